//! Reads a PDF back for the tests through qpdf's JSON (an implementation other than the
//! writer's): objects, the trailer, the pages and decoded streams.

use serde_json::Value;

pub(crate) struct Read {
    objects: serde_json::Map<String, Value>,
    pages: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Read {
    pub(crate) fn new(pdf: &[u8]) -> Read {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("read.pdf");
        std::fs::write(&file, pdf).unwrap();
        let prefix = dir.path().join("stream");
        let out = std::process::Command::new("qpdf")
            .args(["--json=2", "--json-stream-data=file", "--decode-level=generalized"])
            .arg(format!("--json-stream-prefix={}", prefix.display()))
            .arg(&file)
            .arg("-")
            .output()
            .unwrap_or_else(|e| panic!("qpdf could not be run ({e}): install qpdf (apt-get install qpdf) to run the PDF tests"));
        assert!(out.status.success(), "qpdf failed: {}", String::from_utf8_lossy(&out.stderr));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let objects = json["qpdf"][1].as_object().unwrap().clone();
        let pages = json["pages"].as_array().unwrap().iter().map(|p| p["object"].as_str().unwrap().to_string()).collect();
        Read { objects, pages, _dir: dir }
    }

    /// The pages' references (`"6 0 R"`), in order.
    pub(crate) fn pages(&self) -> &[String] {
        &self.pages
    }

    pub(crate) fn trailer(&self) -> &Value {
        &self.objects["trailer"]["value"]
    }

    /// Every object: its reference and its value (a stream's dictionary for a stream).
    pub(crate) fn objects(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.objects.iter().filter_map(|(k, v)| Some((k.strip_prefix("obj:")?, v.get("value").or_else(|| v["stream"].get("dict"))?)))
    }

    /// The object `reference` (`"6 0 R"`) names, or `value` itself if it is no reference.
    pub(crate) fn get<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.as_str() {
            Some(r) if r.ends_with(" R") => {
                let o = &self.objects[&format!("obj:{r}")];
                o.get("value").unwrap_or_else(|| &o["stream"]["dict"])
            }
            _ => value,
        }
    }

    /// The decoded data of the stream `reference` names.
    pub(crate) fn stream(&self, reference: &Value) -> Vec<u8> {
        let r = reference.as_str().unwrap();
        let file = self.objects[&format!("obj:{r}")]["stream"]["datafile"].as_str().unwrap();
        std::fs::read(file).unwrap()
    }
}

/// A name's text: `"/Table"` → `"Table"`.
pub(crate) fn name(value: &Value) -> &str {
    value.as_str().and_then(|s| s.strip_prefix('/')).unwrap_or_else(|| panic!("not a name: {value}"))
}

/// A string's text (`"u:…"`) or bytes (`"b:…"`, hexadecimal).
pub(crate) fn string(value: &Value) -> Vec<u8> {
    let s = value.as_str().unwrap_or_else(|| panic!("not a string: {value}"));
    if let Some(text) = s.strip_prefix("u:") {
        text.as_bytes().to_vec()
    } else {
        let hex = s.strip_prefix("b:").unwrap();
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
    }
}

/// A run of marked content on a page: the text shown in it (runs joined by spaces) and its
/// marked-content id, `None` for an artifact.
#[derive(Debug)]
pub(crate) struct Marked {
    pub(crate) mcid: Option<i64>,
    pub(crate) tag: String,
    pub(crate) text: String,
}

impl Read {
    /// The marked-content sequences of the page `page` (a reference), in the content stream's
    /// order, their text decoded with the fonts' ToUnicode maps.
    pub(crate) fn marked_content(&self, page: &str) -> Vec<Marked> {
        let page = &self.objects[&format!("obj:{page}")]["value"];
        let mut maps = std::collections::HashMap::new();
        for (font_name, font) in page["/Resources"]["/Font"].as_object().unwrap() {
            let cmap = String::from_utf8(self.stream(&self.get(font)["/ToUnicode"])).unwrap();
            let map: std::collections::HashMap<u16, String> = cmap
                .lines()
                .filter_map(|l| {
                    let (code, unicode) = l.strip_prefix('<')?.split_once("> <")?;
                    let unicode = unicode.strip_suffix('>')?;
                    let units: Vec<u16> = (0..unicode.len()).step_by(4).map(|i| u16::from_str_radix(&unicode[i..i + 4], 16).unwrap()).collect();
                    Some((u16::from_str_radix(code, 16).ok()?, String::from_utf16(&units).ok()?))
                })
                .collect();
            maps.insert(font_name.trim_start_matches('/').to_string(), map);
        }
        let content = self.stream(&page["/Contents"]);
        let mut out: Vec<Marked> = Vec::new();
        let mut font = String::new();
        let mut operands: Vec<Vec<u8>> = Vec::new();
        let mut tokens = Tokens { bytes: &content, at: 0 };
        while let Some(token) = tokens.next() {
            match token {
                Token::Operand(o) => operands.push(o),
                Token::Operator(op) => {
                    match op.as_str() {
                        "BDC" => {
                            let tag = String::from_utf8(operands[0].clone()).unwrap();
                            let mcid = String::from_utf8_lossy(&operands[1..].concat())
                                .split("/MCID ")
                                .nth(1)
                                .map(|n| n.trim_end_matches(">>").trim().parse().unwrap());
                            out.push(Marked { mcid, tag: tag.trim_start_matches('/').to_string(), text: String::new() });
                        }
                        "Tf" => font = String::from_utf8(operands[0].clone()).unwrap().trim_start_matches('/').to_string(),
                        "Tj" => {
                            let codes = &operands[0];
                            let text: String = codes.chunks(2).map(|c| maps[&font][&u16::from_be_bytes([c[0], c[1]])].as_str()).collect();
                            let run = &mut out.last_mut().expect("text is marked").text;
                            if !run.is_empty() && !run.ends_with(' ') && !text.starts_with(' ') {
                                run.push(' ');
                            }
                            run.push_str(&text);
                        }
                        _ => {}
                    }
                    operands.clear();
                }
            }
        }
        out
    }
}

enum Token {
    /// A string's bytes, or any other operand's text.
    Operand(Vec<u8>),
    Operator(String),
}

/// The tokens of a content stream, as far as these tests need them: dictionaries whole,
/// strings decoded.
struct Tokens<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Tokens<'_> {
    fn next(&mut self) -> Option<Token> {
        let b = self.bytes;
        while self.at < b.len() && b[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        let start = self.at;
        match *b.get(start)? {
            b'(' => {
                let mut out = Vec::new();
                let mut depth = 0;
                self.at += 1;
                loop {
                    let c = b[self.at];
                    self.at += 1;
                    match c {
                        b'\\' => {
                            let e = b[self.at];
                            self.at += 1;
                            match e {
                                b'n' => out.push(b'\n'),
                                b'r' => out.push(b'\r'),
                                b't' => out.push(b'\t'),
                                b'b' => out.push(8),
                                b'f' => out.push(12),
                                b'0'..=b'7' => {
                                    let mut v = u32::from(e - b'0');
                                    for _ in 0..2 {
                                        if matches!(b[self.at], b'0'..=b'7') {
                                            v = v * 8 + u32::from(b[self.at] - b'0');
                                            self.at += 1;
                                        }
                                    }
                                    out.push(v as u8);
                                }
                                other => out.push(other),
                            }
                        }
                        b'(' => {
                            depth += 1;
                            out.push(c);
                        }
                        b')' if depth == 0 => break,
                        b')' => {
                            depth -= 1;
                            out.push(c);
                        }
                        _ => out.push(c),
                    }
                }
                Some(Token::Operand(out))
            }
            b'<' if b.get(start + 1) == Some(&b'<') => {
                let end = start + b[start..].windows(2).position(|w| w == b">>").unwrap() + 2;
                self.at = end;
                Some(Token::Operand(b[start..end].to_vec()))
            }
            b'<' => {
                let end = start + b[start..].iter().position(|&c| c == b'>').unwrap();
                self.at = end + 1;
                let hex: Vec<u8> = b[start + 1..end].iter().copied().filter(|c| !c.is_ascii_whitespace()).collect();
                Some(Token::Operand((0..hex.len()).step_by(2).map(|i| u8::from_str_radix(std::str::from_utf8(&hex[i..i + 2]).unwrap(), 16).unwrap()).collect()))
            }
            _ => {
                while self.at < b.len() && !b[self.at].is_ascii_whitespace() && !(self.at > start && matches!(b[self.at], b'(' | b'<' | b'/')) {
                    self.at += 1;
                }
                let word = String::from_utf8_lossy(&b[start..self.at]).into_owned();
                if word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '\'' || c == '"') {
                    Some(Token::Operator(word))
                } else {
                    Some(Token::Operand(word.into_bytes()))
                }
            }
        }
    }
}
