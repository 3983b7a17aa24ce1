//! The `invoicesmith` command end to end on the shipped samples: issuing, re-running,
//! numbering, reproducibility, rejection of bad input, concurrency, verification.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod archive_support;

use archive_support::{copy_samples, files as snapshot, run as invoicesmith, samples, stderr, stdout};

fn issue(data: &Path, archive: &Path) -> Output {
    invoicesmith(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"])
}

fn register_numbers(archive: &Path) -> Vec<String> {
    fs::read_to_string(archive.join("register.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["number"].as_str().unwrap().to_string())
        .collect()
}

/// The samples' 12 invoices and 2 credit notes, each series gap-free from 1.
fn expected_numbers() -> Vec<String> {
    let invoices = (1..=16).map(|n| format!("KL-INV-2026-{n:06}"));
    let credit_notes = (1..=2).map(|n| format!("KL-CN-2026-{n:06}"));
    invoices.chain(credit_notes).collect()
}

#[test]
fn issues_the_samples_once_with_gap_free_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let out = issue(&samples(), &archive);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("issued 18 document(s)"), "{text}");
    assert!(text.contains("ch_1012: payment failed: no document"), "{text}");
    assert!(text.contains("ch_1013: payment pending"), "{text}");

    let numbers = register_numbers(&archive);
    assert_eq!(numbers, expected_numbers());
    for n in &numbers {
        for ext in ["pdf", "html", "json", "ubl.xml", "cii.xml"] {
            let path = archive.join("2026").join(format!("{n}.{ext}"));
            assert!(fs::metadata(&path).unwrap().len() > 0, "{} is empty", path.display());
        }
    }

    // A second run issues nothing and changes nothing.
    let before = snapshot(&archive);
    let again = issue(&samples(), &archive);
    assert!(again.status.success());
    assert!(stdout(&again).starts_with("issued 0 document(s)"), "{}", stdout(&again));
    // One line for what earlier runs invoiced, not one per transaction.
    assert!(stdout(&again).contains("\n18 transaction(s) already invoiced\n"), "{}", stdout(&again));
    assert!(!stdout(&again).contains("ch_1001"), "{}", stdout(&again));
    assert_eq!(snapshot(&archive), before);
}

#[test]
fn same_data_gives_byte_identical_archives() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(issue(&samples(), &a).status.success());
    assert!(issue(&samples(), &b).status.success());
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (path, bytes) in &sa {
        assert!(bytes == &sb[path], "{path} differs between two runs on the same data");
    }
}

#[test]
fn bad_input_is_reported_with_exit_1_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let archive = tmp.path().join("archive");
    let csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    fs::write(data.join("transactions.csv"), csv.replacen(",EUR,Pro plan (annual)", ",EURO,Pro plan (annual)", 1)).unwrap();

    // Nothing exists yet: nothing is created.
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error: transactions.csv:4: currency: 'EURO' is not an ISO 4217 code"), "{}", stderr(&out));
    assert!(!archive.exists(), "a failed run created the archive");

    // An existing archive stays byte for byte as it was, and no number is consumed.
    assert!(issue(&samples(), &archive).status.success());
    let before = snapshot(&archive);
    fs::write(data.join("transactions.csv"), format!("{}ch_2001,charge,succeeded,cus_de_01,2026-10-31T10:00:00+02:00,EUR,Pro plan,1,10.005,gross,false,,,,,DE,DE\n", csv)).unwrap();
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("transactions.csv:27: unit_amount: '10.005' has more than 2 decimals, the minor unit of EUR"), "{}", stderr(&out));
    assert_eq!(snapshot(&archive), before);
}

/// A year typed wrong (2099 for 2026) would date that document and every later one of its
/// series in 2099, for good: it is an input error, and nothing is issued.
#[test]
fn a_transaction_dated_years_ahead_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let archive = tmp.path().join("archive");
    let csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    let row = csv.lines().position(|l| l.starts_with("ch_1005,")).unwrap() + 1;
    let old = csv.lines().nth(row - 1).unwrap();
    let timestamp = old.split(',').nth(4).unwrap();
    let typo = timestamp.replacen("2026", "2099", 1);
    fs::write(data.join("transactions.csv"), csv.replace(old, &old.replace(timestamp, &typo))).unwrap();
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!("error: transactions.csv:{row}: timestamp: '{}' is more than a year after today (", chrono::DateTime::parse_from_rfc3339(&typo).unwrap().to_rfc3339());
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert!(stderr(&out).contains("); a payment is recorded after it happens (is the year right?)"), "{}", stderr(&out));
    assert!(!archive.exists());
}

#[test]
fn a_pending_payment_is_invoiced_once_it_succeeds_with_the_next_number() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let archive = tmp.path().join("archive");
    assert!(issue(&data, &archive).status.success());
    // The pending payment is captured two days later (its new status and timestamp).
    let csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    let csv = csv.replace("ch_1013,charge,pending,cus_gb_01,2026-10-30T23:50:00+00:00", "ch_1013,charge,succeeded,cus_gb_01,2026-11-01T09:00:00+00:00");
    fs::write(data.join("transactions.csv"), csv).unwrap();
    let out = issue(&data, &archive);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("issued 1 document(s)"), "{}", stdout(&out));
    assert_eq!(register_numbers(&archive).last().unwrap(), "KL-INV-2026-000017");
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(archive.join("2026/KL-INV-2026-000017.json")).unwrap()).unwrap();
    assert_eq!(doc["tax_point_date"], "2026-11-01");
    assert_eq!(doc["source_transactions"][0], "ch_1013");
}

#[test]
fn concurrent_runs_never_both_issue() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_invoicesmith"))
            .args(["issue", samples().to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let runs: Vec<_> = (0..4).map(|_| spawn()).collect();
    for r in runs {
        assert!(r.wait_with_output().unwrap().status.success());
    }
    assert_eq!(register_numbers(&archive), expected_numbers(), "each transaction issued exactly once, numbers gap-free");
}

#[test]
fn verify_detects_a_changed_file() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    assert!(issue(&samples(), &archive).status.success());
    let verify = |a: &Path| invoicesmith(&["verify", "--archive", a.to_str().unwrap()]);
    let ok = verify(&archive);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let target = archive.join("2026/KL-INV-2026-000003.html");
    let mut perms = fs::metadata(&target).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(&target, perms).unwrap();
    fs::write(&target, b"tampered").unwrap();
    let bad = verify(&archive);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("2026/KL-INV-2026-000003.html: changed since KL-INV-2026-000003 was issued"), "{}", stderr(&bad));
}

#[test]
fn usage_errors_exit_2_and_help_explains_options() {
    assert_eq!(invoicesmith(&["issue"]).status.code(), Some(2));
    assert_eq!(invoicesmith(&["frobnicate"]).status.code(), Some(2));
    let help = stdout(&invoicesmith(&["issue", "--help"]));
    for needle in ["DATA_DIR", "--archive", "--json", "company.toml"] {
        assert!(help.contains(needle), "--help lacks {needle}: {help}");
    }
}

#[test]
fn json_output_lists_issued_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let out = invoicesmith(&["issue", samples().to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["issued"].as_array().unwrap().len(), 18);
    assert_eq!(v["issued"][0]["number"], "KL-INV-2026-000001");
    assert_eq!(v["issued"][0]["total"], "14.99");
    assert_eq!(v["skipped"][0]["transaction_id"], "ch_1012");
    // The files listed are those registered, in the order of the formats asked for.
    let register = fs::read_to_string(archive.join("register.jsonl")).unwrap();
    for (issued, line) in v["issued"].as_array().unwrap().iter().zip(register.lines()) {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        let registered: Vec<&str> = entry["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
        let listed: Vec<&str> = issued["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
        assert_eq!(listed, registered);
        assert!(listed.iter().all(|f| archive.join(f).is_file()), "{listed:?}");
    }
    assert_eq!(
        v["issued"][16]["files"],
        serde_json::json!([
            "2026/KL-CN-2026-000001.pdf",
            "2026/KL-CN-2026-000001.html",
            "2026/KL-CN-2026-000001.json",
            "2026/KL-CN-2026-000001.ubl.xml",
            "2026/KL-CN-2026-000001.cii.xml"
        ])
    );
}

#[test]
fn text_no_configured_font_can_draw_is_refused_at_the_customer_not_boxed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let customers = fs::read_to_string(data.join("customers.csv")).unwrap().replace("cus_jp_01,individual,Hanako Sato", "cus_jp_01,individual,佐藤 花子");
    fs::write(data.join("customers.csv"), customers).unwrap();
    let archive = tmp.path().join("archive");
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("customers.csv:9: name: customer 'cus_jp_01' (佐藤 花子) is written in characters no configured font covers: '佐' (U+4F50)"),
        "{}",
        stderr(&out)
    );
    assert!(!archive.exists());

    // Nor does a correction bring such text in (the PDF would print '????'), nor does
    // `render` make a PDF of it.
    fs::write(data.join("customers.csv"), fs::read_to_string(data.join("customers.csv")).unwrap().replace("佐藤 花子", "Hanako Sato")).unwrap();
    assert!(issue(&data, &archive).status.success());
    let register = fs::read(archive.join("register.jsonl")).unwrap();
    let a = archive.to_str().unwrap();
    let out = invoicesmith(&["reissue", "KL-INV-2026-000008", "--set", "name=佐藤 花子", "--reason", "name in kanji", "--archive", a]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--set: KL-INV-2026-000017 would be written in characters no configured font covers: '佐' (U+4F50), '藤' (U+85E4), '花' (U+82B1), '子' (U+5B50); configure a font"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(archive.join("register.jsonl")).unwrap(), register, "nothing issued");
    let record = tmp.path().join("KL-INV-2026-000008.json");
    fs::write(&record, fs::read_to_string(archive.join("2026/KL-INV-2026-000008.json")).unwrap().replace("Hanako Sato", "佐藤 花子")).unwrap();
    let out_dir = tmp.path().join("rendered");
    let render = |format: &str| invoicesmith(&["render", record.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out_dir.to_str().unwrap(), "--formats", format]);
    let out = render("pdf");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("KL-INV-2026-000008 would be written in characters no configured font covers: '佐' (U+4F50)"), "{}", stderr(&out));
    assert!(!out_dir.exists());
    // Its HTML shows the text as it is: written.
    let out = render("html");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fs::read_to_string(out_dir.join("KL-INV-2026-000008.html")).unwrap().contains("佐藤 花子"));
}

#[test]
fn sample_refuses_a_folder_that_is_not_empty_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("data");
    let sample = |extra: &[&str]| {
        let mut args = vec!["sample", "--transactions", "30", "--out", out.to_str().unwrap()];
        args.extend(extra);
        invoicesmith(&args)
    };
    let first_run = sample(&[]);
    assert!(first_run.status.success(), "{}", stderr(&first_run));
    let first = fs::read(out.join("transactions.csv")).unwrap();
    fs::write(out.join("transactions.csv"), "someone's edits").unwrap();
    fs::write(out.join("notes.txt"), "keep me").unwrap();
    let refused = sample(&["--seed", "2"]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        stderr(&refused),
        format!("error: {}: is not empty; sample writes a new data folder (choose an empty or new folder, or pass --force to replace its data files)\n", out.display())
    );
    assert_eq!(fs::read_to_string(out.join("transactions.csv")).unwrap(), "someone's edits");
    assert!(sample(&["--force"]).status.success());
    assert_eq!(fs::read(out.join("transactions.csv")).unwrap(), first, "the same seed gives the same file");
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "keep me");
}

/// Files' bytes are written ahead on the rendering threads and held open, unnamed, until
/// one thread names them: with few files allowed open (a hard limit the binary can't raise)
/// fewer are held and the rest are written when named, and the archive, the export and its
/// zip are byte for byte those of a run without the limit.
#[cfg(target_os = "linux")]
#[test]
fn a_low_limit_of_open_files_writes_the_same_archive_and_export() {
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let data = archive_support::generated(tmp.path(), "month", 400, 3);
    let run = |archive: &str, limited: bool| {
        let (archive, export) = (tmp.path().join(archive), tmp.path().join(format!("{archive}-export")));
        for args in [
            vec!["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init", "--quiet"],
            vec!["export", "--month", "2026-10", "--archive", archive.to_str().unwrap(), "--out", export.to_str().unwrap()],
        ] {
            let mut command = archive_support::command(&args);
            if limited {
                // SAFETY: only setrlimit, async-signal-safe, between fork and exec.
                unsafe {
                    command.pre_exec(|| {
                        let limit = libc::rlimit { rlim_cur: 48, rlim_max: 48 };
                        if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
                    });
                }
            }
            let out = command.output().unwrap();
            assert!(out.status.success(), "{args:?} (limited: {limited}): {}", stderr(&out));
        }
        (snapshot(&archive), snapshot(&export), fs::read(export.with_extension("zip")).unwrap())
    };
    let (archive, export, zip) = run("free", false);
    assert!(archive.len() > 1000, "a month of documents: {} files", archive.len());
    let limited = run("limited", true);
    assert!(limited.0 == archive, "the archives differ");
    assert!(limited.1 == export, "the exports differ");
    assert!(limited.2 == zip, "the zips differ");
}

/// `render`, `export` and `statement` write their files outside archives: an output folder
/// inside one is refused and nothing in it changes (render, given a record's own folder,
/// replaced the issued files; an export there became strays for the next run to quarantine).
/// A statement whose file name is taken writes none of its three files.
#[test]
fn commands_that_write_elsewhere_refuse_an_output_folder_inside_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    assert!(issue(&samples(), &archive).status.success());
    let before = snapshot(&archive);
    let a = archive.to_str().unwrap();
    let record = archive.join("2026/KL-INV-2026-000001.json");
    let year = archive.join("2026");
    for (args, out) in [
        (vec!["render", record.to_str().unwrap(), "--out", year.to_str().unwrap()], year.clone()),
        (vec!["export", "--month", "2026-10", "--archive", a, "--out", archive.join("exp").to_str().unwrap()], archive.join("exp")),
        (
            vec!["statement", "cus_gr_01", "--from", "2026-10-01", "--to", "2026-10-31", "--archive", a, "--out", archive.join("2026/st").to_str().unwrap()],
            archive.join("2026/st"),
        ),
    ] {
        let o = invoicesmith(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let root = archive.canonicalize().unwrap();
        assert!(
            stderr(&o).contains(&format!("{}: lies inside the archive {}; ", out.display(), root.display())),
            "{args:?}: {}",
            stderr(&o)
        );
        assert_eq!(snapshot(&archive), before, "{args:?} changed the archive");
    }
    // A statement's CSV name taken: no PDF or HTML either, and the file is left as it was.
    let out = tmp.path().join("statements");
    fs::create_dir(&out).unwrap();
    let taken = out.join("statement-cus_gr_01-2026-10-01-2026-10-31.csv");
    fs::write(&taken, "mine").unwrap();
    let o = invoicesmith(&["statement", "cus_gr_01", "--from", "2026-10-01", "--to", "2026-10-31", "--archive", a, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("{}: already exists; a statement never replaces a file", taken.display())), "{}", stderr(&o));
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(fs::read_to_string(&taken).unwrap(), "mine");
}

/// "which archive?" names the ways the command has: every command with a data folder takes
/// the archive from its company.toml, so it is told about `--data` (or, given one, about
/// that company.toml); `verify` has none, so it is not.
#[test]
fn which_archive_names_only_what_the_command_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    assert!(company.contains("path = \"../archive\"\n"), "{company}");
    fs::write(data.join("company.toml"), company.replace("path = \"../archive\"\n", "")).unwrap();
    let data = data.to_str().unwrap();
    let statement = ["statement", "cus_de_01", "--from", "2026-10-01", "--to", "2026-10-31", "--out", "x"];
    let (without, with) = (
        "which archive? Give --archive DIR|URL, set INVOICESMITH_ARCHIVE, or give --data DIR whose company.toml sets [archive] path".to_string(),
        format!("which archive? Give --archive DIR|URL, set INVOICESMITH_ARCHIVE, or set [archive] path in {data}/company.toml"),
    );
    let reissue = ["reissue", "KL-INV-2026-000001", "--set", "name=X", "--reason", "r"];
    for (args, error) in [
        (vec!["verify"], "which archive? Give --archive DIR|URL or set INVOICESMITH_ARCHIVE to it; this command does not take it from a data folder".to_string()),
        (vec!["list"], without.clone()),
        (vec!["list", "--data", data], with.clone()),
        (vec!["show", "KL-INV-2026-000001", "--data", data], with.clone()),
        ([&reissue[..], &["--data", data]].concat(), with.clone()),
        (statement.to_vec(), without.clone()),
        ([&statement[..], &["--data", data]].concat(), with.clone()),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_invoicesmith")).args(&args).current_dir(tmp.path()).env_remove("INVOICESMITH_ARCHIVE").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), format!("error: {error}\n"), "{args:?}");
    }
}

/// Every command given a data folder takes the archive from its company.toml's `[archive]
/// path` (relative to company.toml, not to the folder the run starts in), as `issue` does;
/// `--archive` and `INVOICESMITH_ARCHIVE` still come first.
#[test]
fn every_command_with_a_data_folder_finds_the_archive_its_company_toml_names() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let run = |args: &[&str], archive_variable: Option<&Path>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_invoicesmith"));
        c.args(args).current_dir(&elsewhere).env_remove("INVOICESMITH_ARCHIVE").env_remove("INVOICESMITH_SIGNING_KEY");
        if let Some(archive) = archive_variable {
            c.env("INVOICESMITH_ARCHIVE", archive);
        }
        c.output().unwrap()
    };
    let d = data.to_str().unwrap();
    // company.toml says `path = "../archive"`: tmp/archive.
    let issued = run(&["issue", d, "--init", "--quiet"], None);
    assert!(issued.status.success(), "{}", stderr(&issued));
    assert!(tmp.path().join("archive/register.jsonl").exists() && !elsewhere.join("archive").exists());

    let show = run(&["show", "KL-INV-2026-000001", "--data", d], None);
    assert!(show.status.success(), "{}", stderr(&show));
    assert!(stdout(&show).starts_with("KL-INV-2026-000001 invoice, issued 2026-10-01"), "{}", stdout(&show));
    let list = run(&["list", "--data", d, "--customer", "cus_ee_01"], None);
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(stdout(&list).ends_with("\n2 document(s)\n"), "{}", stdout(&list));
    let statement = run(&["statement", "cus_de_01", "--from", "2026-10-01", "--to", "2026-10-31", "--data", d, "--out", "st"], None);
    assert!(statement.status.success(), "{}", stderr(&statement));

    // The variable and --archive come before company.toml: a missing archive there is exit 3.
    let missing = tmp.path().join("missing");
    let by_variable = run(&["show", "KL-INV-2026-000001", "--data", d], Some(&missing));
    assert_eq!(by_variable.status.code(), Some(3), "{}", stderr(&by_variable));
    assert!(stderr(&by_variable).contains(&format!("{}: no archive here", missing.display())), "{}", stderr(&by_variable));
    let by_flag = run(&["list", "--data", d, "--archive", missing.to_str().unwrap()], None);
    assert_eq!(by_flag.status.code(), Some(3), "{}", stderr(&by_flag));

    // reissue --data writes into that archive too.
    let reissue = run(&["reissue", "KL-INV-2026-000003", "--set", "postal_code=10435", "--reason", "customer moved", "--data", d], None);
    assert!(reissue.status.success(), "{}", stderr(&reissue));
    assert_eq!(register_numbers(&tmp.path().join("archive")).len(), 20);
}

/// A control character typed into an argument the error quotes reaches the terminal as
/// U+FFFD, never as the escape sequence it starts.
#[test]
fn an_error_quoting_an_argument_prints_no_escape_sequence() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    assert!(issue(&samples(), &archive).status.success());
    let out = invoicesmith(&["show", "KL\u{1b}[2J", "--archive", archive.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: KL\u{fffd}[2J is no document number"), "{}", stderr(&out));
    assert!(!stderr(&out).contains('\u{1b}'));
}

/// `--json` promises one JSON object on stdout, failures included: usage errors too, whether
/// clap refuses the line or the command does (a period, which archive?), with exit 2.
#[test]
fn usage_errors_with_json_are_json_too() {
    for (args, error) in [
        (&["export", "--month", "2026-13", "--archive", "x", "--out", "y", "--json"][..], "'2026-13' is not a period; expected a month (2026-10) or a quarter (2026-Q4)"),
        (&["list", "--bogus", "--json"], "unexpected argument '--bogus' found"),
        (&["show", "KL-INV-2026-000001", "--json"], "which archive? Give --archive DIR|URL, set INVOICESMITH_ARCHIVE, or give --data DIR whose company.toml sets [archive] path"),
        (&["verify", "--json"], "which archive? Give --archive DIR|URL or set INVOICESMITH_ARCHIVE to it; this command does not take it from a data folder"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_invoicesmith")).args(args).env_remove("INVOICESMITH_ARCHIVE").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&out)));
        assert_eq!((v["schema"].as_str(), v["error"].as_str()), (Some("invoicesmith.cli.v1"), Some(error)), "{args:?}");
        assert!(stderr(&out).contains(error), "{args:?}: {}", stderr(&out));
    }
    // Without --json, stdout stays empty.
    let out = invoicesmith(&["list", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// A customers.csv row missing a field is one error for the row and one line counting its
/// transactions (not an "unknown customer" error for each); a 2 MB description is refused
/// with its length and the limit. Nothing is issued: no archive is created.
#[test]
fn a_short_customer_row_and_an_overlong_description_are_one_error_each() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let customers = fs::read_to_string(data.join("customers.csv")).unwrap();
    fs::write(data.join("customers.csv"), customers.replacen("cus_de_01,individual,Jürgen Müller,", "cus_de_01,individual,", 1)).unwrap();
    let transactions = fs::read_to_string(data.join("transactions.csv")).unwrap();
    let description = format!("\"{}\"", "x".repeat(2_000_000));
    fs::write(data.join("transactions.csv"), transactions.replacen("Credit pack 1000 credits", &description, 1)).unwrap();
    let archive = tmp.path().join("archive");
    let out = invoicesmith(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: customers.csv:2: has 12 fields; expected 16 as in the header, or 13 to 15 leaving out optional columns at its end (is a field missing? an empty field still needs its comma)\n\
         error: transactions.csv: customer_id: 2 transaction(s) of 'cus_de_01' (lines 2, 13) were not checked further: its row, customers.csv:2, has errors; fix it and run again\n\
         error: transactions.csv:3: description: is 2000000 characters long; expected at most 1000\n\
         error: 3 input error(s); nothing was issued\n"
    );
    assert!(!archive.exists(), "nothing issued, no archive created");
}

/// A 2,000,000-character seller name would be printed on every document: company.toml's
/// printed strings have the limits of the same customers.csv columns. Nothing is issued,
/// and an existing archive stays as it was.
#[test]
fn an_overlong_seller_name_is_refused_and_nothing_is_issued() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let archive = tmp.path().join("archive");
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    let long = company.replacen("legal_name = \"Kunstlicht OÜ\"", &format!("legal_name = \"{}\"", "x".repeat(2_000_000)), 1);
    assert_ne!(long, company);
    fs::write(data.join("company.toml"), long).unwrap();
    let refused = "error: company.toml: seller.legal_name: is 2000000 characters long; expected at most 255\n\
                   error: 1 input error(s); nothing was issued\n";
    let out = invoicesmith(&["issue", data.to_str().unwrap(), "--dry-run"]);
    assert_eq!((out.status.code(), stderr(&out).as_str()), (Some(1), refused));
    let out = issue(&data, &archive);
    assert_eq!((out.status.code(), stderr(&out).as_str()), (Some(1), refused));
    assert!(!archive.exists(), "nothing issued, no archive created");
    assert!(issue(&samples(), &archive).status.success());
    let before = snapshot(&archive);
    let out = invoicesmith(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap()]);
    assert_eq!((out.status.code(), stderr(&out).as_str()), (Some(1), refused));
    assert_eq!(snapshot(&archive), before);
}

/// exchange_rates.csv's `source` is printed beside the rate: one line of text at most.
#[test]
fn an_overlong_exchange_rate_source_is_refused_and_nothing_is_issued() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let archive = tmp.path().join("archive");
    let rates = fs::read_to_string(data.join("exchange_rates.csv")).unwrap();
    let long = rates.replacen("ECB euro foreign exchange reference rate", &"E".repeat(256), 1);
    assert_ne!(long, rates);
    fs::write(data.join("exchange_rates.csv"), long).unwrap();
    let out = issue(&data, &archive);
    assert_eq!(
        (out.status.code(), stderr(&out).as_str()),
        (Some(1), "error: exchange_rates.csv:2: source: is 256 characters long; expected at most 255\nerror: 1 input error(s); nothing was issued\n")
    );
    assert!(!archive.exists(), "nothing issued, no archive created");
}
