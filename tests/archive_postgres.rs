//! The archive in PostgreSQL, against a real server (`pg_support`): the same documents,
//! register, checkpoints, exports and command output as a folder archive; copies between the
//! two byte for byte, and a copy killed midway leaving nothing; several issuers at once (one
//! killed) without gap or duplicate; write-once enforced by the database, for files no line
//! names too; and a schema of the archive's name that is not this version's refused.

mod archive_support;
mod pg_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use archive_support::*;
use pg_support::*;

/// Every file a database archive holds, by path, and its register and checkpoint lines as
/// a folder holds them — in the shape of [`files`] of a folder archive.
fn db_files(db: &str) -> BTreeMap<String, Vec<u8>> {
    let mut c = app(db);
    let mut out: BTreeMap<String, Vec<u8>> =
        c.query("SELECT path, bytes FROM invoicesmith.files", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    for (name, sql) in [
        ("register.jsonl", "SELECT text FROM invoicesmith.register ORDER BY line"),
        ("checkpoints.jsonl", "SELECT text FROM invoicesmith.checkpoints ORDER BY n"),
    ] {
        let text: String = c.query(sql, &[]).unwrap().iter().map(|r| r.get::<_, String>(0) + "\n").collect();
        out.insert(name.to_string(), text.into_bytes());
    }
    out
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(out.status.success(), "{args:?}: {}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

fn register_count(db: &str) -> i64 {
    app(db).query_one("SELECT count(*) FROM invoicesmith.register", &[]).unwrap().get(0)
}

/// The database name for a URL made by [`database`].
fn name_of(url: &str) -> &str {
    url.split('?').next().unwrap().rsplit('/').next().unwrap()
}

#[test]
fn both_backends_give_the_same_bytes_and_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let url = database("same_bytes");
    let month = generated(tmp.path(), "month", 300, 3);
    let d = p(&dir);
    let mut outputs = Vec::new();
    for archive in [d, url.as_str()] {
        let mut printed = Vec::new();
        for data in [samples(), month.clone()] {
            printed.push(ok(&["issue", p(&data), "--archive", archive, "--init", "--quiet"]));
        }
        printed.push(ok(&["reissue", "KL-INV-2026-000003", "--set", "name=Jana Novak", "--reason", "typo", "--archive", archive]));
        printed.push(ok(&["show", "KL-INV-2026-000003", "--archive", archive]));
        printed.push(ok(&["verify", "--archive", archive]));
        let out = tmp.path().join(format!("export-{}", outputs.len()));
        printed.push(ok(&["export", "--month", "2026-10", "--archive", archive, "--data", p(&month), "--out", p(&out)]));
        let rendered = tmp.path().join(format!("render-{}", outputs.len()));
        printed.push(ok(&["render", "2026/KL-INV-2026-000005.json", "--archive", archive, "--out", p(&rendered)]));
        let printed: Vec<String> = printed
            .iter()
            // The verify command printed quotes a URL (its '&'), not a plain path.
            .map(|s| s.replace(&format!("'{archive}'"), "ARCHIVE").replace(archive, "ARCHIVE").replace(p(&out), "OUT").replace(p(&rendered), "RENDERED"))
            .collect();
        outputs.push((printed, files(&out), std::fs::read(out.with_extension("zip")).unwrap(), files(&rendered)));
    }
    // Every document, company snapshot, the seller record, the register and the checkpoints.
    let folder = files(&dir);
    let database = db_files(name_of(&url));
    assert!(folder.len() > 5 * 300, "{}", folder.len());
    assert_eq!(folder.keys().collect::<Vec<_>>(), database.keys().collect::<Vec<_>>());
    for (path, bytes) in &folder {
        assert!(database[path] == *bytes, "{path} differs between the folder and the database");
    }
    let (dir_out, db_out) = (&outputs[0], &outputs[1]);
    assert_eq!(dir_out.0, db_out.0, "the commands print the same");
    assert_eq!(dir_out.1, db_out.1, "the export folders are the same, byte for byte");
    assert!(dir_out.2 == db_out.2, "the export zips are the same, byte for byte");
    assert_eq!(dir_out.3, db_out.3, "render of an archived record");
    assert!(dir_out.0[0].starts_with("issued 18 document(s) into ARCHIVE"), "{}", dir_out.0[0]);
}

#[test]
fn an_archive_is_copied_folder_to_database_and_back_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    assert!(issue(&samples(), &dir).status.success());
    assert!(run(&["reissue", "KL-INV-2026-000003", "--set", "name=Jana Novak", "--reason", "typo", "--archive", p(&dir)]).status.success());
    let url = database("copy");
    let printed = ok(&["archive", "copy", p(&dir), &url]);
    assert!(printed.starts_with("copied 20 register line(s), 103 file(s) and 2 checkpoint(s) from "), "{printed}");
    let mut folder = files(&dir);
    assert_eq!(folder, db_files(name_of(&url)));
    let back = tmp.path().join("back");
    ok(&["archive", "copy", &url, p(&back)]);
    let mut copied = files(&back);
    assert_eq!(folder.len(), copied.len());
    assert_eq!(std::mem::take(&mut folder), std::mem::take(&mut copied));
    // The copy goes on as the original would: the same next numbers.
    ok(&["issue", p(&generated(tmp.path(), "month", 20, 5)), "--archive", &url, "--quiet"]);
    ok(&["verify", "--archive", &url]);
    // Only into a new archive.
    let again = run(&["archive", "copy", p(&dir), &url]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(stderr(&again).contains("holds an archive already; `archive copy` fills only a new one; nothing was copied"), "{}", stderr(&again));
}

#[test]
fn a_database_without_the_archive_is_created_only_with_init_and_found_by_every_setting() {
    let tmp = tempfile::tempdir().unwrap();
    let url = database("init");
    let out = run(&["issue", p(&samples()), "--archive", &url, "--quiet"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains(&format!("{url}: no archive here (give the right --archive, or --init to create a new one)")), "{}", stderr(&out));
    let data = copy_samples(tmp.path());
    let company = std::fs::read_to_string(data.join("company.toml")).unwrap().replace("path = \"../archive\"", &format!("path = \"{url}\""));
    std::fs::write(data.join("company.toml"), company).unwrap();
    let printed = ok(&["issue", p(&data), "--init", "--quiet"]);
    assert!(printed.starts_with(&format!("issued 18 document(s) into {url}\n")), "{printed}");
    let out = command(&["verify"]).env("INVOICESMITH_ARCHIVE", &url).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{url}: intact (every registered file matches its SHA-256, register chain and numbering consistent)\n"));
    assert_eq!(register_count(name_of(&url)), 18);
}

/// `data`'s transactions of the customers `keep` selects (with every customer), in `to`.
fn customers_subset(data: &Path, to: &Path, keep: impl Fn(u32) -> bool) -> std::path::PathBuf {
    std::fs::create_dir_all(to).unwrap();
    for f in ["company.toml", "customers.csv", "exchange_rates.csv", "logo.svg"] {
        std::fs::copy(data.join(f), to.join(f)).unwrap();
    }
    let text = std::fs::read_to_string(data.join("transactions.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = lines.next().unwrap().to_string() + "\n";
    for line in lines {
        let customer: u32 = line.split(',').nth(3).unwrap().trim_start_matches("cus_").parse().unwrap();
        if keep(customer) {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(to.join("transactions.csv"), out).unwrap();
    to.to_path_buf()
}

#[test]
fn issuers_at_once_one_killed_leave_no_gap_duplicate_or_orphan() {
    let tmp = tempfile::tempdir().unwrap();
    let url = database("concurrent");
    let db = name_of(&url);
    ok(&["issue", p(&samples()), "--archive", &url, "--init", "--quiet"]);
    // Large enough that the first issuer is still running when it is killed, in an
    // optimised build too.
    let month = generated(tmp.path(), "month", 4000, 3);
    let even = customers_subset(&month, &tmp.path().join("even"), |c| c % 2 == 0);
    let odd = customers_subset(&month, &tmp.path().join("odd"), |c| c % 2 == 1);
    // The issuer to kill starts first and is killed once its first batch is committed and
    // the others are waiting behind it, in the middle of a later batch.
    let mut killed = command(&["issue", p(&month), "--archive", &url, "--quiet"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let start = Instant::now();
    while register_count(db) <= 14 {
        assert!(start.elapsed() < Duration::from_secs(120), "the first issuer committed nothing");
        std::thread::sleep(Duration::from_millis(20));
    }
    let export_out = tmp.path().join("export");
    let commands: Vec<Vec<&str>> = vec![
        vec!["issue", p(&month), "--archive", &url, "--quiet"],
        vec!["issue", p(&month), "--archive", &url, "--quiet"],
        vec!["issue", p(&even), "--archive", &url, "--quiet"],
        vec!["issue", p(&odd), "--archive", &url, "--quiet"],
        vec!["reissue", "KL-INV-2026-000003", "--set", "name=Jana Novak", "--reason", "typo", "--archive", &url],
        vec!["export", "--month", "2026-10", "--archive", &url, "--out", p(&export_out)],
    ];
    let children: Vec<_> =
        commands.iter().map(|args| command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let committed_before_kill = register_count(db);
    killed.kill().unwrap(); // SIGKILL
    let status = killed.wait().unwrap();
    assert_eq!(status.code(), None, "the first issuer finished before it was killed; make its month larger");
    assert!(committed_before_kill < 18 + 4000, "{committed_before_kill}");
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    for (args, out) in commands.iter().zip(&outputs) {
        assert!(out.status.success(), "{args:?}: {}{}", stdout(out), stderr(out));
    }
    ok(&["verify", "--archive", &url]);
    // Every succeeded charge of the month has exactly one invoice (a repeated run finds
    // nothing left, the export's reconciliation misses nothing), and no transaction is on
    // two documents but through a correction.
    assert!(ok(&["issue", p(&month), "--archive", &url, "--quiet"]).starts_with("issued 0 document(s)"));
    let reconciled = tmp.path().join("reconciled");
    ok(&["export", "--month", "2026-10", "--archive", &url, "--data", p(&month), "--out", p(&reconciled)]);
    let mut c = app(db);
    let lines: Vec<serde_json::Value> = c
        .query("SELECT text FROM invoicesmith.register ORDER BY line", &[])
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(r.get::<_, &str>(0)).unwrap())
        .collect();
    let mut documents_of: BTreeMap<(String, String), usize> = BTreeMap::new();
    for l in lines.iter().filter(|l| !l["references"].as_array().unwrap().iter().any(|r| r["relation"] == "cancels" || r["relation"] == "replaces")) {
        for t in l["transactions"].as_array().unwrap() {
            *documents_of.entry((l["kind"].as_str().unwrap().to_string(), t.as_str().unwrap().to_string())).or_default() += 1;
        }
    }
    assert!(documents_of.values().all(|&n| n == 1), "a transaction on two documents");
    let charges = std::fs::read_to_string(month.join("transactions.csv")).unwrap();
    let succeeded: BTreeSet<String> =
        charges.lines().filter(|l| l.contains(",charge,succeeded,")).map(|l| l.split(',').next().unwrap().to_string()).collect();
    let invoiced: BTreeSet<String> = documents_of.keys().filter(|(k, _)| k == "invoice").map(|(_, t)| t.clone()).collect();
    assert!(succeeded.is_subset(&invoiced), "{} succeeded charges without an invoice", succeeded.difference(&invoiced).count());
    // Numbers 1…N in each series, and every register line in the database once.
    let numbers: BTreeSet<&str> = lines.iter().map(|l| l["number"].as_str().unwrap()).collect();
    assert_eq!(numbers.len(), lines.len());
    for series in ["KL-INV-{year}-{seq:06}", "KL-CN-{year}-{seq:06}"] {
        let seqs: Vec<u64> = lines.iter().filter(|l| l["series"] == series).map(|l| l["seq"].as_u64().unwrap()).collect();
        assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "{series}: gap or disorder");
    }
    // No orphan: every stored document belongs to a register line that lists it.
    let orphans: i64 = c
        .query_one(
            "SELECT count(*) FROM invoicesmith.files f WHERE f.line IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM invoicesmith.register r WHERE r.line = f.line AND r.text LIKE '%' || f.path || '%')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(orphans, 0);
}

#[test]
fn the_database_refuses_changes_and_verify_finds_an_administrators() {
    let url = database("tamper");
    let db = name_of(&url);
    ok(&["issue", p(&samples()), "--archive", &url, "--init", "--quiet"]);
    let path = "2026/KL-INV-2026-000001.pdf";
    // The application's role has no right to change or remove a record.
    let mut c = app(db);
    for sql in [
        format!("UPDATE invoicesmith.files SET bytes = 'x' WHERE path = '{path}'"),
        "DELETE FROM invoicesmith.register WHERE line = 14".to_string(),
        "TRUNCATE invoicesmith.checkpoints".to_string(),
    ] {
        let e = c.batch_execute(&sql).unwrap_err();
        assert_eq!(e.as_db_error().unwrap().code().code(), "42501", "{sql}: {e:?}");
        assert!(e.as_db_error().unwrap().message().starts_with("permission denied for table"), "{sql}: {e:?}");
    }
    // Not even a superuser, through the triggers.
    let mut admin = admin(db);
    for (sql, op, table) in [
        (format!("UPDATE invoicesmith.files SET bytes = 'x' WHERE path = '{path}'"), "UPDATE", "files"),
        ("DELETE FROM invoicesmith.register WHERE line = 14".to_string(), "DELETE", "register"),
        ("TRUNCATE invoicesmith.files CASCADE".to_string(), "TRUNCATE", "files"),
    ] {
        let e = admin.batch_execute(&sql).unwrap_err();
        assert_eq!(e.as_db_error().unwrap().message(), format!("invoicesmith: {op} on invoicesmith.{table} refused: the archive is write-once"));
    }
    // A number out of turn or a line off the chain is refused by the database itself.
    let e = admin
        .batch_execute("INSERT INTO invoicesmith.register SELECT 15, 'X', kind, series, year, seq + 5, hash, sha256(convert_to(text, 'UTF8')), text FROM invoicesmith.register WHERE line = 14")
        .unwrap_err();
    assert!(e.as_db_error().unwrap().message().contains("its columns differ from its text"), "{e:?}");
    // A superuser who switches the triggers off can change a row: verify finds it.
    // The logo (stored once, `logo/<sha256>`) likewise.
    let logo = format!("logo/{}", invoicesmith::sha256::Sha256Sum::of(&std::fs::read(samples().join("logo.svg")).unwrap()));
    admin
        .batch_execute(&format!(
            "SET session_replication_role = replica; UPDATE invoicesmith.files SET bytes = bytes || 'x'::bytea WHERE path IN ('{path}', '{logo}')"
        ))
        .unwrap();
    let out = run(&["verify", "--archive", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: {path}: changed since KL-INV-2026-000001 was issued (SHA-256 differs from the register)\nerror: {logo}: changed since the logo of KL-INV-2026-000001 was issued (SHA-256 differs from the register)\n2 problem(s) in {url}\n"
        )
    );
    let render = run(&["render", "2026/KL-INV-2026-000002.json", "--archive", &url, "--out", "/nonexistent/never"]);
    assert_eq!(render.status.code(), Some(3), "{}", stderr(&render));
    assert!(stderr(&render).contains(&logo), "{}", stderr(&render));
    let show = run(&["export", "--month", "2026-10", "--archive", &url, "--out", "/nonexistent/never"]);
    assert_eq!(show.status.code(), Some(3));
    // A register line rewritten: the chain breaks where it was.
    admin
        .batch_execute("SET session_replication_role = replica; UPDATE invoicesmith.register SET text = replace(text, '\"total\":\"', '\"total\":\"1') WHERE line = 5")
        .unwrap();
    let out = run(&["verify", "--archive", &url]);
    assert!(stderr(&out).contains("register.jsonl:6: KL-INV-2026-000006 does not follow the line before it (hash chain broken"), "{}", stderr(&out));
    let out = run(&["show", "KL-INV-2026-000001", "--archive", &url]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("the hash chain is broken here"), "{}", stderr(&out));
}

/// `archive copy SRC DST` started, and SIGKILLed once `midway` says the copy is well under
/// way; asserts it was still running then.
fn kill_copy_midway(src: &Path, dst: &str, mut midway: impl FnMut() -> bool) {
    let mut copying = command(&["archive", "copy", p(src), dst]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let start = Instant::now();
    while !midway() {
        assert!(start.elapsed() < Duration::from_secs(120), "the copy got nowhere");
        assert!(copying.try_wait().unwrap().is_none(), "the copy ended before it was killed; make its source larger");
        std::thread::sleep(Duration::from_millis(20));
    }
    copying.kill().unwrap(); // SIGKILL
    assert_eq!(copying.wait().unwrap().code(), None, "the copy finished before it was killed; make its source larger");
}

/// What `archive copy` prints when it copied `src` (a folder archive) to `dst`.
fn copied_message(src: &Path, dst: &str) -> String {
    let source = files(src);
    let lines = String::from_utf8(source["register.jsonl"].clone()).unwrap().lines().count();
    let checkpoints = String::from_utf8(source["checkpoints.jsonl"].clone()).unwrap().lines().count();
    format!(
        "copied {lines} register line(s), {} file(s) and {checkpoints} checkpoint(s) from {} to {dst}; the copy verifies and its lines are the source's, byte for byte\n",
        source.len() - 2,
        p(src)
    )
}

#[test]
fn a_copy_killed_midway_leaves_nothing_and_the_next_copies_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    assert!(issue(&generated(tmp.path(), "month", 1500, 7), &dir).status.success());
    let source = files(&dir);
    let bytes: usize = source.values().map(Vec::len).sum();
    let no_archive = |archive: &str| {
        for args in [vec!["verify", "--archive", archive], vec!["recover", "--archive", archive]] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(3), "{args:?}: {}{}", stdout(&out), stderr(&out));
            assert_eq!(stderr(&out), format!("error: {archive}: no archive here (give the right --archive, or --init to create a new one)\n"), "{args:?}");
        }
    };

    // Into a database: killed once a third of the source's bytes are in its tables.
    let url = database("copy_killed");
    let db = name_of(&url);
    let size = |c: &mut postgres::Client| -> i64 { c.query_one("SELECT pg_database_size(current_database())", &[]).unwrap().get(0) };
    let mut watch = admin(db);
    let empty = size(&mut watch);
    kill_copy_midway(&dir, &url, || size(&mut watch) - empty > bytes as i64 / 3);
    // The server rolls the copy's transaction back when it sees the client gone.
    let start = Instant::now();
    while watch.query_one("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'invoicesmith'", &[&db]).unwrap().get::<_, i64>(0) > 0 {
        assert!(start.elapsed() < Duration::from_secs(60), "the killed copy's session lingers");
        std::thread::sleep(Duration::from_millis(20));
    }
    let schema: Option<String> = watch.query_one("SELECT to_regnamespace('invoicesmith')::text", &[]).unwrap().get(0);
    assert_eq!(schema, None, "nothing of the killed copy is left, not even the schema");
    no_archive(&url);
    assert_eq!(ok(&["archive", "copy", p(&dir), &url]), copied_message(&dir, &url));
    assert!(db_files(db) == source, "the database holds the source, byte for byte");

    // Into a folder: killed once its third batch of register lines is committed in the
    // folder it is made in.
    let back = tmp.path().join("back");
    let making = tmp.path().join(".back.copying");
    kill_copy_midway(&dir, p(&back), || register(&making).iter().filter(|&&b| b == b'\n').count() >= 3 * 256);
    assert!(!back.exists(), "nothing where the copy goes");
    assert!(register(&making).len() < source["register.jsonl"].len(), "killed with part of the register copied");
    no_archive(p(&back));
    assert_eq!(ok(&["archive", "copy", &url, p(&back)]), copied_message(&dir, p(&back)).replace(p(&dir), &url));
    assert!(files(&back) == source, "the folder holds the source, byte for byte");
    assert!(!making.exists(), "the killed copy's folder is removed by the next copy");
}

#[test]
fn a_file_stored_with_other_bytes_is_never_taken_for_the_one_issued() {
    let tmp = tempfile::tempdir().unwrap();
    let url = database("own_bytes");
    let db = name_of(&url);
    ok(&["issue", p(&generated(tmp.path(), "month", 20, 5)), "--archive", &url, "--init", "--quiet"]);
    let (lines, files_stored) = (register_count(db), app(db).query_one("SELECT count(*) FROM invoicesmith.files", &[]).unwrap().get::<_, i64>(0));
    // The samples under a company.toml and a logo of their own, whose paths another writer
    // has taken with other bytes.
    let data = copy_samples(tmp.path());
    let company = std::fs::read_to_string(data.join("company.toml")).unwrap() + "# a snapshot of its own\n";
    std::fs::write(data.join("company.toml"), &company).unwrap();
    let logo = std::fs::read(data.join("logo.svg")).unwrap().into_iter().chain(b"<!-- a logo of its own -->\n".iter().copied()).collect::<Vec<u8>>();
    std::fs::write(data.join("logo.svg"), &logo).unwrap();
    let company_path = format!("company/{}.toml", invoicesmith::sha256::Sha256Sum::of(company.as_bytes()));
    let logo_path = format!("logo/{}", invoicesmith::sha256::Sha256Sum::of(&logo));
    let mut c = app(db);
    for (path, forged) in [(&logo_path, b"<svg/>".to_vec()), (&company_path, b"[seller]\n".to_vec())] {
        c.execute("INSERT INTO invoicesmith.files (path, line, bytes) VALUES ($1, NULL, $2)", &[path, &forged]).unwrap();
        let out = run(&["issue", p(&data), "--archive", &url, "--quiet"]);
        assert_eq!(out.status.code(), Some(3), "{}{}", stdout(&out), stderr(&out));
        assert_eq!(stderr(&out), format!("error: {url}#{path}: already exists with different content; issued documents are never overwritten\n"));
        // Nothing of the run: no line, no file, no checkpoint; the row as it was.
        assert_eq!(register_count(db), lines);
        assert_eq!(c.query_one("SELECT count(*) FROM invoicesmith.files", &[]).unwrap().get::<_, i64>(0), files_stored + 1);
        assert_eq!(c.query_one("SELECT count(*) FROM invoicesmith.checkpoints", &[]).unwrap().get::<_, i64>(0), 1);
        assert_eq!(c.query_one("SELECT bytes FROM invoicesmith.files WHERE path = $1", &[path]).unwrap().get::<_, Vec<u8>>(0), forged);
        // An administrator takes the row out again.
        let mut a = admin(db);
        a.batch_execute("SET session_replication_role = replica").unwrap();
        a.execute("DELETE FROM invoicesmith.files WHERE path = $1", &[path]).unwrap();
    }
    // The same bytes stored already are the file issued: taken as they are.
    c.execute("INSERT INTO invoicesmith.files (path, line, bytes) VALUES ($1, NULL, $2)", &[&company_path, &company.as_bytes()]).unwrap();
    assert!(ok(&["issue", p(&data), "--archive", &url, "--quiet"]).starts_with("issued 18 document(s)"));
    assert_eq!(register_count(db), lines + 18);
    let stored: Vec<u8> = c.query_one("SELECT bytes FROM invoicesmith.files WHERE path = $1", &[&logo_path]).unwrap().get(0);
    assert_eq!(stored, logo);
    assert_eq!(
        ok(&["verify", "--archive", &url]),
        format!("{url}: intact (every registered file matches its SHA-256, register chain and numbering consistent)\n")
    );
}

#[test]
fn a_schema_of_the_archives_name_that_is_not_this_versions_archive_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    assert!(issue(&samples(), &dir).status.success());
    let refused_everywhere = |url: &str, why: &str| {
        let message = format!("error: {url}: {why}\n");
        for args in [
            vec!["issue", p(&samples()), "--archive", url, "--init", "--quiet"],
            vec!["verify", "--archive", url],
            vec!["recover", "--archive", url],
            vec!["show", "KL-INV-2026-000001", "--archive", url],
            vec!["archive", "copy", p(&dir), url],
        ] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(3), "{args:?}: {}{}", stdout(&out), stderr(&out));
            assert_eq!(stderr(&out), message, "{args:?}");
        }
    };
    let not_ours = |why: &str| {
        format!(
            "the schema invoicesmith here is not an invoicesmith archive of schema version 1: {why}; nothing was read or written (give the database of an invoicesmith archive, or an empty one for a new archive)"
        )
    };
    // Another tool's schema.
    let url = database("foreign_schema");
    let db = name_of(&url);
    app(db)
        .batch_execute("CREATE SCHEMA invoicesmith; CREATE TABLE invoicesmith.register (id bigint PRIMARY KEY, note text); INSERT INTO invoicesmith.register VALUES (1, 'theirs')")
        .unwrap();
    refused_everywhere(&url, &not_ours("it has no table invoicesmith.schema_version with an integer column version"));
    let tables = |db: &str| -> Vec<String> {
        admin(db)
            .query("SELECT relname::text FROM pg_class WHERE relnamespace = 'invoicesmith'::regnamespace AND relkind = 'r' ORDER BY 1", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert_eq!(tables(db), ["register"]);
    let rows: Vec<(i64, String)> = app(db).query("SELECT id, note FROM invoicesmith.register", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(rows, [(1, "theirs".to_string())]);
    // An archive whose register is not this version's shape, then one of a later version.
    let url = database("other_version");
    let db = name_of(&url);
    ok(&["archive", "copy", p(&dir), &url]);
    admin(db).batch_execute("ALTER TABLE invoicesmith.register RENAME COLUMN text TO body").unwrap();
    refused_everywhere(&url, &not_ours("its table invoicesmith.register has no column text (text)"));
    admin(db).batch_execute("INSERT INTO invoicesmith.schema_version VALUES (2)").unwrap();
    refused_everywhere(
        &url,
        "the archive here is of schema version 2, newer than this build of invoicesmith knows (1); nothing was read or written: use a newer invoicesmith",
    );
    assert_eq!(register_count(db), 18);
    assert_eq!(app(db).query_one("SELECT count(*) FROM invoicesmith.checkpoints", &[]).unwrap().get::<_, i64>(0), 1);
}

/// `verify`'s findings on a database archive, as its stderr lists them.
fn problems(url: &str, findings: &[String]) -> String {
    let mut out: String = findings.iter().map(|f| format!("error: {f}\n")).collect();
    out.push_str(&format!("{} problem(s) in {url}\n", findings.len()));
    out
}

fn verify_finds(url: &str, findings: &[String]) {
    let out = run(&["verify", "--archive", url]);
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stderr(&out), problems(url, findings));
}

#[test]
fn verify_finds_rows_of_the_database_that_disagree_with_the_register() {
    let tmp = tempfile::tempdir().unwrap();
    let url = database("rows");
    let db = name_of(&url);
    ok(&["issue", p(&generated(tmp.path(), "month", 20, 5)), "--archive", &url, "--init", "--quiet"]);
    let intact = format!("{url}: intact (every registered file matches its SHA-256, register chain and numbering consistent)\n");
    assert_eq!(ok(&["verify", "--archive", &url]), intact);
    let lines = register_count(db);
    let number = |line: i64| -> String { app(db).query_one("SELECT number FROM invoicesmith.register WHERE line = $1", &[&line]).unwrap().get(0) };
    let (first, second) = (number(1), number(2));
    let mut c = app(db);
    let mut a = admin(db);
    a.batch_execute("SET session_replication_role = replica").unwrap();

    // invoiced: a row for a transaction no line lists (the issuing role may insert one) is
    // named, and blocks the document of that transaction with an error that says why.
    c.batch_execute("INSERT INTO invoicesmith.invoiced VALUES ('invoice', 'ch_1001', 1, false)").unwrap();
    verify_finds(&url, &[format!(
        "invoicesmith.invoiced: row (invoice, ch_1001, line 1, not a correction): register line 1 ({first}) does not list ch_1001 (written behind the application's back; it makes the database refuse every later invoice of ch_1001)"
    )]);
    let out = run(&["issue", p(&samples()), "--archive", &url, "--quiet"]);
    assert_eq!(out.status.code(), Some(3), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "error: {url}: the invoice of transaction ch_1001 was refused: invoicesmith.invoiced already has a row for it, which no register line accounts for (written behind the application's back); nothing of this batch was written; run `invoicesmith verify --archive '{url}'` to find such rows\n"
        )
    );
    assert_eq!(register_count(db), lines);
    a.batch_execute("DELETE FROM invoicesmith.invoiced WHERE transaction_id = 'ch_1001'").unwrap();
    // A row of a line removed: the database would take a second document of it.
    let row = c.query_one("SELECT kind, transaction_id FROM invoicesmith.invoiced WHERE line = 2", &[]).unwrap();
    let (kind, transaction): (String, String) = (row.get(0), row.get(1));
    a.batch_execute("DELETE FROM invoicesmith.invoiced WHERE line = 2").unwrap();
    verify_finds(&url, &[format!(
        "invoicesmith.invoiced: no row ({kind}, {transaction}, line 2, not a correction) though register line 2 ({second}) lists {transaction} (removed behind the application's back; the database would take another {kind} of {transaction})"
    )]);
    c.execute("INSERT INTO invoicesmith.invoiced VALUES ($1, $2, 2, false)", &[&kind, &transaction]).unwrap();
    assert_eq!(ok(&["verify", "--archive", &url]), intact);

    // files: a database holds no quarantine/, recovered/ or register.jsonl, and a document's
    // row names the line that lists it.
    c.batch_execute(
        "INSERT INTO invoicesmith.files VALUES ('quarantine/KL-INV-2026-000019.pdf', NULL, 'x'), ('register.jsonl', NULL, 'x'), ('recovered/a', 1, 'x')",
    )
    .unwrap();
    let document = format!("2026/{first}.pdf");
    a.execute("UPDATE invoicesmith.files SET line = 2 WHERE path = $1", &[&document]).unwrap();
    let unnamed = "no register line names this path (a database archive holds only registered files and seller.json, no quarantine/, recovered/ or temporary files: not issued by invoicesmith, or its register line is missing)";
    verify_finds(
        &url,
        &[
            format!("invoicesmith.files: row '{document}' (line 2): register line 1 ({first}) names this path; its line should be 1"),
            format!("invoicesmith.files: row 'quarantine/KL-INV-2026-000019.pdf' (line NULL): {unnamed}"),
            format!("invoicesmith.files: row 'recovered/a' (line 1): {unnamed}"),
            format!("invoicesmith.files: row 'register.jsonl' (line NULL): {unnamed}"),
        ],
    );
    a.batch_execute("DELETE FROM invoicesmith.files WHERE path IN ('quarantine/KL-INV-2026-000019.pdf', 'register.jsonl', 'recovered/a')").unwrap();
    a.execute("UPDATE invoicesmith.files SET line = 1 WHERE path = $1", &[&document]).unwrap();
    assert_eq!(ok(&["verify", "--archive", &url]), intact);

    // register: columns a superuser changed with the triggers off, its text untouched.
    a.batch_execute(
        "UPDATE invoicesmith.register SET number = number || 'X', seq = seq + 100 WHERE line = 2;
         UPDATE invoicesmith.register SET hash = sha256('x'), prev = sha256('y') WHERE line = 3",
    )
    .unwrap();
    let (seq2, prev3): (i64, Vec<u8>) = (
        c.query_one("SELECT seq FROM invoicesmith.register WHERE line = 2", &[]).unwrap().get(0),
        c.query_one("SELECT hash FROM invoicesmith.register WHERE line = 2", &[]).unwrap().get(0),
    );
    let prev3: String = prev3.iter().map(|b| format!("{b:02x}")).collect();
    verify_finds(
        &url,
        &[
            format!(
                "invoicesmith.register line 2 ({second}): its columns differ from its text: number is {second}X where its text says {second}, seq is {seq2} where its text says {} (changed with the database's triggers off)",
                seq2 - 100
            ),
            format!(
                "invoicesmith.register line 3 ({}): its columns differ from its text: prev is {} where its text says {prev3}, hash is not the SHA-256 of its text (changed with the database's triggers off)",
                number(3),
                invoicesmith::sha256::Sha256Sum::of(b"y")
            ),
        ],
    );
}

#[test]
fn a_run_waiting_for_anothers_lock_says_so_once_and_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let url = database("waiting");
    let db = name_of(&url);
    ok(&["issue", p(&samples()), "--archive", &url, "--init", "--quiet"]);
    // A password in the URL (the test cluster trusts its socket) is never printed.
    let with_password = url.replacen("app@", "app:s3cret@", 1);
    assert_ne!(with_password, url);
    let mut holder = app(db);
    holder.execute("SELECT pg_advisory_lock($1)", &[&0x696e_766f_6963_i64]).unwrap();
    let waiting = command(&["verify", "--archive", &with_password]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_secs(3));
    holder.execute("SELECT pg_advisory_unlock($1)", &[&0x696e_766f_6963_i64]).unwrap();
    let out = waiting.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), format!("waiting for another run on {url} to finish…\n"));
    // A lock free at once: not a word.
    let out = run(&["verify", "--archive", &url]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));

    // A folder archive's lock file likewise.
    let dir = tmp.path().join("archive");
    assert!(issue(&samples(), &dir).status.success());
    let lock = std::fs::File::open(dir.join(".lock")).unwrap();
    lock.lock().unwrap();
    let waiting = command(&["verify", "--archive", p(&dir)]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_secs(3));
    lock.unlock().unwrap();
    let out = waiting.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), format!("waiting for another run on {} to finish…\n", p(&dir)));
}

/// A database that fails the second batch of a run (here a trigger, standing for a server
/// out of disk or gone): the run says what its first batch issued, the register holds exactly
/// that, `verify` passes, and the next run issues the rest as one uninterrupted run would.
#[test]
fn a_run_whose_second_batch_the_database_fails_says_what_it_issued() {
    let tmp = tempfile::tempdir().unwrap();
    let url = database("midrun");
    let db = name_of(&url);
    let month = generated(tmp.path(), "month", 700, 7);
    let folder = tmp.path().join("reference");
    for archive in [p(&folder), url.as_str()] {
        ok(&["issue", p(&samples()), "--archive", archive, "--init", "--quiet", "--formats", "json"]);
    }
    ok(&["issue", p(&month), "--archive", p(&folder), "--quiet", "--formats", "json"]);
    let before = register_count(db);
    assert_eq!(before, 18);
    admin(db)
        .batch_execute(
            "CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the second batch fails'; END $$;
             CREATE TRIGGER refuse BEFORE INSERT ON invoicesmith.register FOR EACH ROW WHEN (NEW.line > 18 + 512) EXECUTE FUNCTION public.refuse();",
        )
        .unwrap();
    let out = run(&["issue", p(&month), "--archive", &url, "--quiet", "--formats", "json", "--json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains("the second batch fails"), "{err}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let head = json["checkpoint"]["head"].as_str().unwrap();
    assert!(head.starts_with("530:"), "{head}");
    assert_eq!(
        lines[1],
        format!(
            "error: 512 document(s) were issued before the failure, KL-INV-2026-000017 to KL-INV-2026-000528: they are archived and final (checkpoint {head}). \
             Nothing after KL-INV-2026-000528 was issued (the documents of the batch that failed got no register line, and their files were taken back). \
             Run the same command again once the cause is fixed: it issues the rest, each series numbered on from these without a gap"
        )
    );
    assert_eq!(json["issued_before"].as_str().unwrap(), lines[1].strip_prefix("error: ").unwrap());
    let issued: Vec<&str> = json["issued"].as_array().unwrap().iter().map(|d| d["number"].as_str().unwrap()).collect();
    assert_eq!(issued.len(), 512);
    assert_eq!(register_count(db), 18 + 512);
    ok(&["verify", "--archive", &url, "--expect-head", head]);

    admin(db).batch_execute("DROP TRIGGER refuse ON invoicesmith.register").unwrap();
    assert!(ok(&["issue", p(&month), "--archive", &url, "--quiet", "--formats", "json"]).starts_with("issued 162 document(s)"));
    assert_eq!(db_files(db)["register.jsonl"], files(&folder)["register.jsonl"]);
    ok(&["verify", "--archive", &url]);
}
