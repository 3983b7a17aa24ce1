//! The HTML documents (and a statement) in a real browser (headless Chromium, `chromium-headless-shell`): on a
//! phone and a desktop screen nothing runs past the right edge, and printed, a document takes
//! as many pages as its PDF.
//!
//! The measuring is done by a script added to a copy of each page (the documents themselves
//! carry none): it writes the page's scroll width and client width into the DOM, which
//! `--dump-dom` prints once the page has laid out.

mod archive_support;

use std::fs;
use std::path::Path;
use std::process::Command;

use archive_support::{p, run, samples};

fn chromium(args: &[&str], page: &Path) -> std::process::Output {
    Command::new("chromium-headless-shell")
        .args(["--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("chromium-headless-shell could not be run ({e}): install it (apt-get install chromium-headless-shell) to run the browser tests"))
}

/// The page's (scroll width, client width) at a window `width` pixels wide.
fn widths(html: &Path, width: u32) -> (u32, u32) {
    let measured = html.with_extension("measured.html");
    let page = fs::read_to_string(html).unwrap().replace(
        "</body>",
        "<script>document.body.insertAdjacentHTML('beforeend', '<p id=\"measured\">' + document.documentElement.scrollWidth + ' ' + document.documentElement.clientWidth + '</p>')</script></body>",
    );
    fs::write(&measured, page).unwrap();
    let out = chromium(&[&format!("--window-size={width},1200"), "--dump-dom"], &measured);
    let dom = String::from_utf8_lossy(&out.stdout);
    // The last: the script that writes it quotes it too.
    let at = dom.rfind("<p id=\"measured\">").unwrap_or_else(|| panic!("{}: no measurement: {}", html.display(), String::from_utf8_lossy(&out.stderr)));
    let text = &dom[at + "<p id=\"measured\">".len()..];
    let mut numbers = text[..text.find('<').unwrap()].split(' ').map(|n| n.parse().unwrap());
    (numbers.next().unwrap(), numbers.next().unwrap())
}

#[test]
fn every_html_document_fits_a_phone_and_a_desktop_and_prints_on_as_many_pages_as_its_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let out = run(&["issue", p(&samples()), "--archive", p(&archive), "--init", "--formats", "pdf,html,json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A copy outside the archive to measure in (the archive holds only what issue wrote).
    let pages = tmp.path().join("pages");
    fs::create_dir(&pages).unwrap();
    let mut documents = 0;
    for entry in fs::read_dir(archive.join("2026")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            fs::copy(&path, pages.join(path.file_name().unwrap())).unwrap();
            documents += 1;
        }
    }
    assert_eq!(documents, 18, "the samples' documents");
    // And a customer's statement.
    let out = run(&["statement", "cus_de_01", "--from", "2026-10-01", "--to", "2026-10-31", "--archive", p(&archive), "--out", p(&pages)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for extension in ["pdf", "csv"] {
        fs::remove_file(pages.join(format!("statement-cus_de_01-2026-10-01-2026-10-31.{extension}"))).unwrap();
    }
    let mut overflowing = Vec::new();
    for entry in fs::read_dir(&pages).unwrap() {
        let html = entry.unwrap().path();
        for width in [320, 390, 1024] {
            let (scroll, client) = widths(&html, width);
            if scroll > client {
                overflowing.push(format!("{} at {width} px: {scroll} px wide in {client}", html.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(overflowing.is_empty(), "runs past the right edge: {overflowing:#?}");
    // Printed from the browser, a document takes as many pages as its PDF (a bank transfer's
    // QR panel and the footer went to a second page of their own).
    let pages_of = |pdf: &Path| {
        let info = String::from_utf8(Command::new("pdfinfo").arg(pdf).output().unwrap().stdout).unwrap();
        info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse::<u32>().unwrap()
    };
    let mut longer = Vec::new();
    for entry in fs::read_dir(archive.join("2026")).unwrap() {
        let pdf = entry.unwrap().path();
        if pdf.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let printed = tmp.path().join("printed.pdf");
        let html = pages.join(pdf.with_extension("html").file_name().unwrap());
        chromium(&[&format!("--print-to-pdf={}", printed.display()), "--no-pdf-header-footer"], &html);
        if pages_of(&printed) != pages_of(&pdf) {
            longer.push(format!("{}: {} printed, {} in the PDF", html.display(), pages_of(&printed), pages_of(&pdf)));
        }
    }
    assert!(longer.is_empty(), "{longer:#?}");
    // One A4 page with the invoice's number and total.
    let pdf = tmp.path().join("printed.pdf");
    let html = pages.join("KL-INV-2026-000001.html");
    let printed = chromium(&[&format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer"], &html);
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&printed.stderr));
    let info = String::from_utf8(Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "{info}");
    let text = String::from_utf8(Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    for needle in ["Rechnung", "KL-INV-2026-000001", "Jürgen Müller", "14,99 €"] {
        assert!(text.contains(needle), "{needle} not in the printed page: {text}");
    }
}
