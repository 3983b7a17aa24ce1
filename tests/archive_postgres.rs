//! The archive in PostgreSQL, against a real server (`pg_support`): the same documents,
//! register, checkpoints, exports and command output as a folder archive; copies between the
//! two byte for byte; several issuers at once (one killed) without gap or duplicate; and
//! write-once enforced by the database.

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
