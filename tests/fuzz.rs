//! Fuzzing the decoders of a server's answer: every generated input must
//! give `Ok` or `Err`, never a panic.
//!
//! Five targets, each the exact code the SDK runs on an answer (see
//! `odoo_core::fuzz_entry`): the `/jsonrpc` envelope, XML-RPC responses,
//! JSON-2 bodies, the web session info of `/web/session/authenticate`, and
//! typed rows (plain serde structs with the SDK's value types, and
//! `#[derive(Model)]` structs through `decode_rows`).
//!
//! The inputs are structure-aware: the real recorded answers in
//! `tests/fixtures/wire*/` are mutated (bit flips, truncation, deleted,
//! duplicated and moved ranges, splices of two answers, interesting tokens
//! such as `false`, `1e400`, `\u0000`, invalid UTF-8, `</struct>`, `&#x0;`,
//! nesting 10 000 levels deep, long strings, JSON nodes replaced by values of
//! the wrong type, other HTTP statuses), and a share are generated from
//! scratch (random JSON-RPC envelopes, JSON-2 bodies, session infos, rows
//! and XML-RPC documents).
//!
//! `cargo test --test fuzz` runs `ODOO_FUZZ_CASES` cases per target
//! (default 20 000). The million per target:
//!
//! ```text
//! ODOO_FUZZ_CASES=1000000 cargo test --release --test fuzz -- --nocapture
//! ```
//!
//! `ODOO_FUZZ_SEED` picks another run (the seed is printed; case `k` of a
//! target depends only on the seed, the target and `k`, so a failure
//! reproduces with the same seed).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod derive_models;

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Once, OnceLock};
use std::time::Instant;

use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// The run.

const DEFAULT_CASES: u64 = 20_000;
const DEFAULT_SEED: u64 = 0x0d00_f022_5eed_2026;

/// The HTTP statuses an Odoo server (or a proxy in front of it) answers.
const STATUSES: &[u16] = &[200, 400, 401, 403, 404, 422, 429, 500, 502, 503];

fn cases() -> u64 {
    std::env::var("ODOO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn seed() -> u64 {
    std::env::var("ODOO_FUZZ_SEED")
        .ok()
        .and_then(|v| {
            let v = v.trim();
            match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => v.parse().ok(),
            }
        })
        .unwrap_or(DEFAULT_SEED)
}

thread_local! {
    /// Set while a case runs: its panic is recorded, not printed.
    static FUZZING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// A panic hook that keeps quiet about (and remembers) the panics of fuzz
/// cases, and prints the others as usual.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if FUZZING.with(Cell::get) {
                let location = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "<non-string panic>".to_owned());
                LAST_PANIC.with(|p| *p.borrow_mut() = format!("{message}{location}"));
            } else {
                default(info);
            }
        }));
    });
}

/// One generated input: an HTTP status and a body.
struct Input {
    status: u16,
    body: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    JsonRpc,
    XmlRpc,
    Json2,
    WebSession,
    TypedRows,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::JsonRpc => "jsonrpc_reply",
            Target::XmlRpc => "xmlrpc_reply",
            Target::Json2 => "json2_reply",
            Target::WebSession => "web_session_info",
            Target::TypedRows => "typed_rows",
        }
    }

    fn number(self) -> u64 {
        match self {
            Target::JsonRpc => 1,
            Target::XmlRpc => 2,
            Target::Json2 => 3,
            Target::WebSession => 4,
            Target::TypedRows => 5,
        }
    }

    /// Run one input through the target: `Ok(true)` for an `Ok`, `Ok(false)`
    /// for an `Err`; the error is formatted too (as a user would).
    fn run(self, input: &Input) -> bool {
        let outcome = match self {
            Target::JsonRpc => odoo::fuzz_entry::jsonrpc_reply(input.status, &input.body),
            Target::XmlRpc => odoo::fuzz_entry::xmlrpc_reply(input.status, &input.body),
            Target::Json2 => odoo::fuzz_entry::json2_reply(input.status, &input.body),
            Target::WebSession => odoo::fuzz_entry::web_session_info(input.status, &input.body),
            Target::TypedRows => {
                // The derive's decoding of rows, from a parsed value.
                if let Ok(value) = serde_json::from_slice::<Value>(&input.body) {
                    use derive_models::{ResPartner, SaleOrder, SaleOrderLine};
                    let _ = odoo::decode_rows::<SaleOrder>(&value).map_err(|e| e.to_string());
                    let _ = odoo::decode_rows::<SaleOrderLine>(&value).map_err(|e| e.to_string());
                    let _ = odoo::decode_rows::<ResPartner>(&value).map_err(|e| e.to_string());
                }
                odoo::fuzz_entry::typed_rows(&input.body)
            }
        };
        match outcome {
            Ok(()) => true,
            Err(e) => {
                let _ = e.to_string();
                let _ = format!("{e:?}");
                false
            }
        }
    }
}

/// Run `cases()` inputs through a target and fail on any panic.
fn fuzz(target: Target) {
    install_panic_hook();
    let seed = seed();
    let cases = cases();
    let corpus = corpus();
    println!(
        "fuzz {}: seed {seed:#x}, {cases} cases, {} seed answers",
        target.name(),
        corpus.seeds.len()
    );
    let started = Instant::now();
    let (mut ok, mut err) = (0u64, 0u64);
    let mut panics: Vec<(u64, Input, String)> = Vec::new();
    let mut panic_count = 0u64;
    for case in 0..cases {
        let mut rng = Rng::for_case(seed, target, case);
        let input = generate(target, corpus, &mut rng);
        FUZZING.with(|f| f.set(true));
        let outcome = catch_unwind(AssertUnwindSafe(|| target.run(&input)));
        FUZZING.with(|f| f.set(false));
        match outcome {
            Ok(true) => ok += 1,
            Ok(false) => err += 1,
            Err(_) => {
                panic_count += 1;
                if panics.len() < 5 {
                    let message = LAST_PANIC.with(|p| p.borrow().clone());
                    panics.push((case, input, message));
                }
            }
        }
    }
    let elapsed = started.elapsed();
    println!(
        "fuzz {}: {cases} cases, {ok} Ok, {err} Err, {panic_count} panics, {:.1} s ({:.1} us/case)",
        target.name(),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / cases.max(1) as f64,
    );
    if !panics.is_empty() {
        let mut report = format!(
            "{} panicked on {panic_count} of {cases} inputs (ODOO_FUZZ_SEED={seed:#x}); the first:\n",
            target.name()
        );
        for (case, input, message) in &panics {
            let _ = writeln!(
                report,
                "- case {case}, status {}: {message}\n  body ({} bytes): \"{}\"",
                input.status,
                input.body.len(),
                escape(&input.body, 2000)
            );
        }
        panic!("{report}");
    }
}

/// A body as an escaped string, at most `max` bytes of it.
fn escape(body: &[u8], max: usize) -> String {
    let shown = &body[..body.len().min(max)];
    let mut out = shown.escape_ascii().to_string();
    if body.len() > max {
        let _ = write!(out, "... ({} more bytes)", body.len() - max);
    }
    out
}

#[test]
fn fuzz_jsonrpc_reply() {
    fuzz(Target::JsonRpc);
}

#[test]
fn fuzz_xmlrpc_reply() {
    fuzz(Target::XmlRpc);
}

#[test]
fn fuzz_json2_reply() {
    fuzz(Target::Json2);
}

#[test]
fn fuzz_web_session_info() {
    fuzz(Target::WebSession);
}

#[test]
fn fuzz_typed_rows() {
    fuzz(Target::TypedRows);
}

/// The harness itself: the fixtures load, and each target's seeds decode
/// as the SDK expects before they are mutated.
#[test]
fn the_seeds_are_real_answers() {
    let corpus = corpus();
    assert!(corpus.seeds.len() > 300, "{} seeds", corpus.seeds.len());
    for (pool, name) in [
        (&corpus.jsonrpc, "jsonrpc"),
        (&corpus.xmlrpc, "xmlrpc"),
        (&corpus.json2, "json2"),
        (&corpus.web_session, "web session"),
        (&corpus.rows, "rows"),
    ] {
        assert!(pool.len() >= 5, "{name}: {} seeds", pool.len());
    }
    let login = corpus
        .seeds
        .iter()
        .find(|s| s.name == "web_session_authenticate")
        .unwrap();
    odoo::fuzz_entry::web_session_info(login.status, &login.body).unwrap();
    let rows = corpus
        .seeds
        .iter()
        .find(|s| s.name == "xmlrpc_object_execute_kw_read_sale_order")
        .unwrap();
    odoo::fuzz_entry::xmlrpc_reply(rows.status, &rows.body).unwrap();
    assert!(
        corpus
            .seeds
            .iter()
            .filter(|s| s
                .name
                .starts_with("jsonrpc_object_execute_kw_read_sale_order"))
            .any(|s| odoo::fuzz_entry::jsonrpc_reply(s.status, &s.body).is_ok())
    );
    let ok_rows = corpus
        .rows
        .iter()
        .filter(|&&i| odoo::fuzz_entry::typed_rows(&corpus.seeds[i].body).is_ok())
        .count();
    assert!(ok_rows > 0, "no row seed decodes");
    // Well-formed nesting on either side of the decoders' depth limits (128
    // for JSON, 256 for XML-RPC) decodes or is refused, whole.
    for depth in (1..=140).chain(240..=270) {
        let json = deep_json(depth, Shape::Arrays);
        let rows = format!("[{{\"id\": 1, \"properties\": {json}}}]");
        let envelope = format!("{{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\": {rows}}}");
        let _ = odoo::fuzz_entry::typed_rows(rows.as_bytes());
        let _ = odoo::fuzz_entry::jsonrpc_reply(200, envelope.as_bytes());
        for shape in [Shape::Arrays, Shape::Structs] {
            let xml = xml_response(&xml_row_with(&deep_xml(depth, shape)));
            let outcome = odoo::fuzz_entry::xmlrpc_reply(200, xml.as_bytes());
            if depth <= 200 || depth >= 260 {
                assert_eq!(outcome.is_ok(), depth <= 200, "depth {depth}: {outcome:?}");
            }
        }
    }
    // Deep nesting is refused, not a stack overflow.
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(odoo::fuzz_entry::typed_rows(deep.as_bytes()).is_err());
    let deep_xml = xml_response(&format!(
        "{}<int>1</int>{}",
        "<value><array><data>".repeat(10_000),
        "</data></array></value>".repeat(10_000)
    ));
    assert!(odoo::fuzz_entry::xmlrpc_reply(200, deep_xml.as_bytes()).is_err());
}

// ---------------------------------------------------------------------------
// The seeds: the real answers recorded from Odoo 18 and 19.

/// Bodies larger than this are mutated rarely (each case copies its seed).
const BIG_SEED: usize = 64 * 1024;

struct Seed {
    name: String,
    status: u16,
    body: Vec<u8>,
}

struct Corpus {
    seeds: Vec<Seed>,
    /// Indices into `seeds`, per target; big seeds are in `big` only.
    jsonrpc: Vec<usize>,
    xmlrpc: Vec<usize>,
    json2: Vec<usize>,
    web_session: Vec<usize>,
    /// Row lists (bare JSON arrays) taken out of the JSON answers.
    rows: Vec<usize>,
    /// Every small seed, whatever its protocol.
    all: Vec<usize>,
    big: Vec<usize>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(load_corpus)
}

fn load_corpus() -> Corpus {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seeds = Vec::new();
    for dir in ["wire", "wire19"] {
        let dir = root.join(dir);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".response.headers.txt"))
                    .map(str::to_owned)
            })
            .collect();
        names.sort();
        for name in names {
            let headers =
                std::fs::read_to_string(dir.join(format!("{name}.response.headers.txt"))).unwrap();
            let status = headers
                .lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|s| s.parse().ok())
                .unwrap_or(200);
            let body = ["json", "xml", "html", "txt"]
                .iter()
                .find_map(|ext| std::fs::read(dir.join(format!("{name}.response.{ext}"))).ok());
            if let Some(body) = body {
                seeds.push(Seed { name, status, body });
            }
        }
    }
    // Row lists out of the answers: `result`, `result.records`, a bare list.
    let mut rows = Vec::new();
    for seed in &seeds {
        let Ok(value) = serde_json::from_slice::<Value>(&seed.body) else {
            continue;
        };
        let candidates = [
            value.get("result"),
            value.pointer("/result/records"),
            value.get("records"),
            Some(&value),
        ];
        for candidate in candidates.into_iter().flatten() {
            if let Some(list) = candidate.as_array()
                && list.first().is_some_and(|row| row.get("id").is_some())
            {
                rows.push(Seed {
                    name: format!("{} (rows)", seed.name),
                    status: 200,
                    body: serde_json::to_vec(candidate).unwrap(),
                });
            }
        }
    }
    let first_row = seeds.len();
    seeds.extend(rows);

    let small = |i: &usize| seeds[*i].body.len() <= BIG_SEED;
    let by_prefix = |prefixes: &[&str]| -> Vec<usize> {
        (0..first_row)
            .filter(|i| prefixes.iter().any(|p| seeds[*i].name.starts_with(p)))
            .filter(small)
            .collect()
    };
    Corpus {
        jsonrpc: by_prefix(&["jsonrpc_", "web_", "fields_get"]),
        xmlrpc: by_prefix(&["xmlrpc_"]),
        json2: by_prefix(&["json2_", "doc_"]),
        web_session: by_prefix(&["web_session", "jsonrpc_common_authenticate"]),
        rows: (first_row..seeds.len()).filter(small).collect(),
        all: (0..seeds.len()).filter(small).collect(),
        big: (0..seeds.len()).filter(|i| !small(i)).collect(),
        seeds,
    }
}

// ---------------------------------------------------------------------------
// The generator.

/// splitmix64: small, fast, and good enough to drive a fuzzer.
struct Rng(u64);

impl Rng {
    fn for_case(seed: u64, target: Target, case: u64) -> Rng {
        let mut rng = Rng(seed ^ target.number().wrapping_mul(0xa076_1d64_78bd_642f));
        rng.0 = rng.0.wrapping_add(case.wrapping_mul(0xe703_7ed1_a0b4_28db));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `num` times in `den`.
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next() % den < num
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One input for a target.
fn generate(target: Target, corpus: &Corpus, rng: &mut Rng) -> Input {
    let roll = rng.below(100);
    let mut input = if roll < 70 {
        mutated_seed(target, corpus, rng)
    } else if roll < 90 {
        generated(target, rng)
    } else {
        let mut input = generated(target, rng);
        for _ in 0..1 + rng.below(3) {
            mutate_bytes(&mut input.body, corpus, rng);
        }
        input
    };
    if rng.chance(1, 5) {
        input.status = *rng.pick(STATUSES);
    } else if rng.chance(1, 200) {
        input.status = *rng.pick(&[0, 1, 100, 204, 301, 418, 599, 999, u16::MAX]);
    }
    input
}

fn pool(target: Target, corpus: &Corpus) -> &[usize] {
    match target {
        Target::JsonRpc => &corpus.jsonrpc,
        Target::XmlRpc => &corpus.xmlrpc,
        Target::Json2 => &corpus.json2,
        Target::WebSession => &corpus.web_session,
        Target::TypedRows => &corpus.rows,
    }
}

fn mutated_seed(target: Target, corpus: &Corpus, rng: &mut Rng) -> Input {
    let index = if rng.chance(1, 2000) && !corpus.big.is_empty() {
        *rng.pick(&corpus.big)
    } else if rng.chance(1, 10) {
        *rng.pick(&corpus.all)
    } else {
        *rng.pick(pool(target, corpus))
    };
    let seed = &corpus.seeds[index];
    let mut body = seed.body.clone();
    if rng.chance(1, 50) {
        // Now and then the answer as recorded.
        return Input {
            status: seed.status,
            body,
        };
    }
    // JSON answers: a node replaced by a value of another type, or a key
    // dropped, first; then byte-level damage (or none).
    if target != Target::XmlRpc
        && rng.chance(1, 2)
        && let Ok(mut value) = serde_json::from_slice::<Value>(&body)
    {
        for _ in 0..1 + rng.below(3) {
            mutate_value(&mut value, rng, 0);
        }
        body = serde_json::to_vec(&value).unwrap();
        if rng.chance(1, 2) {
            return Input {
                status: seed.status,
                body,
            };
        }
    }
    for _ in 0..1 + rng.below(4) {
        mutate_bytes(&mut body, corpus, rng);
    }
    Input {
        status: seed.status,
        body,
    }
}

/// Tokens that mean something to a JSON or XML-RPC reader, and the edges of
/// what Odoo's types hold.
const TOKENS: &[&str] = &[
    "false",
    "true",
    "null",
    "[]",
    "{}",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "\\udfff\\ud800",
    "\\uZZZZ",
    ",",
    ":",
    "[",
    "]",
    "{",
    "}",
    "0",
    "-0",
    "-1",
    "1e400",
    "-1e400",
    "1e-400",
    "0.1e",
    "NaN",
    "Infinity",
    "-9223372036854775809",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "123456789012345678901234567890",
    "\"id\":",
    "\"result\":",
    "\"error\":",
    "\"data\":",
    "\"name\":",
    "\"message\":",
    "\"arguments\":",
    "\"debug\":",
    "\"uid\":",
    "\"records\":",
    "\"2026-02-30\"",
    "\"2026-11-24 25:61:61\"",
    "\"2026-11-24 23:59:60\"",
    "\"+262143-12-31 00:00:00\"",
    "\"0000-00-00\"",
    "\"aGVsbG8=\"",
    "\"====\"",
    "[15, \"Azure Interior\"]",
    "[15, false]",
    "[false, \"x\"]",
    "[1, 2, 3]",
    "<value>",
    "</value>",
    "<value><int>",
    "</int></value>",
    "<int>",
    "<i4>",
    "<i8>",
    "<boolean>",
    "<double>",
    "<string>",
    "<base64>",
    "<nil/>",
    "<dateTime.iso8601>",
    "<struct>",
    "</struct>",
    "<member><name>",
    "</name>",
    "</member>",
    "<array><data>",
    "</data></array>",
    "<params><param>",
    "</param></params>",
    "<fault>",
    "</fault>",
    "<methodResponse>",
    "</methodResponse>",
    "<?xml version=\"1.0\"?>",
    "<!DOCTYPE x [<!ENTITY e \"e\">]>",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "&#x0;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999999;",
    "&#x;",
    "&amp;",
    "&lt;",
    "&bogus;",
    "&",
    "<",
    ">",
    "\r\n",
    "\r",
    "\u{feff}",
    "\u{0}",
    "é",
    "😀",
    "Traceback (most recent call last):\n",
    "odoo.exceptions.AccessDenied: ",
    "\nValueError: x",
];

/// Invalid UTF-8, alone or cut mid-character.
const BAD_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xc3\x28",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xf0\x9f\x98",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\x80",
];

/// A token for insertion: from the list, invalid UTF-8, deep nesting or a
/// long string.
fn token(rng: &mut Rng) -> Vec<u8> {
    match rng.below(40) {
        0 => {
            // Nesting far beyond any limit.
            let depth = if rng.chance(1, 2) {
                10_000
            } else {
                100 + rng.below(400)
            };
            let open = *rng.pick(&[
                "[",
                "{\"a\":",
                "<value><array><data>",
                "<value><struct><member><name>a</name>",
            ]);
            open.repeat(depth).into_bytes()
        }
        1 => {
            let len = *rng.pick(&[300, 4096, 70_000, 1 << 20]);
            let unit = *rng.pick(&["a", "é", "\\n", "\\u00e9", "&amp;", "9"]);
            let mut s = String::from("\"");
            while s.len() < len {
                s.push_str(unit);
            }
            s.push('"');
            s.into_bytes()
        }
        2..=5 => rng.pick(BAD_UTF8).to_vec(),
        _ => rng.pick(TOKENS).as_bytes().to_vec(),
    }
}

/// A random range of `body`: (start, end).
fn range(body: &[u8], rng: &mut Rng) -> (usize, usize) {
    if body.is_empty() {
        return (0, 0);
    }
    let start = rng.below(body.len());
    let max = (body.len() - start).min(if rng.chance(1, 4) { body.len() } else { 64 });
    (start, start + rng.below(max + 1))
}

fn mutate_bytes(body: &mut Vec<u8>, corpus: &Corpus, rng: &mut Rng) {
    let at = rng.below(body.len() + 1);
    match rng.below(11) {
        0 if !body.is_empty() => {
            let i = rng.below(body.len());
            body[i] ^= 1 << rng.below(8);
        }
        1 if !body.is_empty() => {
            let i = rng.below(body.len());
            body[i] = rng.next() as u8;
        }
        2 => body.truncate(at),
        3 => {
            let (start, end) = range(body, rng);
            body.drain(start..end);
        }
        4 => {
            // Duplicate a range.
            let (start, end) = range(body, rng);
            let copy = body[start..end].to_vec();
            let at = rng.below(body.len() + 1);
            body.splice(at..at, copy);
        }
        5 => {
            // Swap two ranges: cut one out, put it elsewhere.
            let (start, end) = range(body, rng);
            let cut: Vec<u8> = body.drain(start..end).collect();
            let at = rng.below(body.len() + 1);
            body.splice(at..at, cut);
        }
        6 => {
            // Splice: the head of this answer, the tail of another.
            let other = &corpus.seeds[*rng.pick(&corpus.all)].body;
            let from = rng.below(other.len() + 1);
            body.truncate(at);
            body.extend_from_slice(&other[from..]);
        }
        7 => {
            // Replace a range with a token.
            let (start, end) = range(body, rng);
            body.splice(start..end, token(rng));
        }
        _ => {
            let token = token(rng);
            body.splice(at..at, token);
        }
    }
}

/// Replace, drop or duplicate one node of a JSON value.
fn mutate_value(value: &mut Value, rng: &mut Rng, depth: usize) {
    let descend = depth < 64 && rng.chance(3, 4);
    match value {
        Value::Array(items) if descend && !items.is_empty() => {
            let i = rng.below(items.len());
            match rng.below(10) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let copy = items[i].clone();
                    items.insert(i, copy);
                }
                _ => mutate_value(&mut items[i], rng, depth + 1),
            }
        }
        Value::Object(map) if descend && !map.is_empty() => {
            let key = map.keys().nth(rng.below(map.len())).cloned().unwrap();
            match rng.below(10) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    let v = map.remove(&key).unwrap();
                    map.insert(field_name(rng), v);
                }
                _ => mutate_value(map.get_mut(&key).unwrap(), rng, depth + 1),
            }
        }
        _ => *value = field_value(rng, 0),
    }
}

/// The field names of the row types and of Odoo's answers.
const FIELDS: &[&str] = &[
    "id",
    "name",
    "display_name",
    "partner_id",
    "user_id",
    "order_line",
    "tag_ids",
    "state",
    "date_order",
    "validity_date",
    "amount_total",
    "amount_untaxed",
    "currency_id",
    "note",
    "client_order_ref",
    "origin",
    "email",
    "is_company",
    "active",
    "country_id",
    "parent_id",
    "child_ids",
    "category_id",
    "image_128",
    "write_date",
    "date",
    "credit_limit",
    "properties",
    "order_id",
    "product_id",
    "product_uom_qty",
    "price_unit",
    "price_subtotal",
    "default_code",
];

fn field_name(rng: &mut Rng) -> String {
    if rng.chance(1, 10) {
        random_string(rng)
    } else {
        (*rng.pick(FIELDS)).to_owned()
    }
}

/// A value of the kinds Odoo sends in a field, right or wrong for it.
fn field_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(24) {
        0 | 1 => json!(false),
        2 => Value::Null,
        3 => json!(true),
        4 => json!(int(rng)),
        5 => float(rng),
        6 => json!(*rng.pick(&[
            "S00021",
            "",
            "Azure Interior",
            "draft",
            "sale",
            "waiting_for_the_ceo"
        ])),
        7 => json!(*rng.pick(&[
            "2026-12-25",
            "2026-02-30",
            "2026-13-01",
            "0000-01-01",
            "+262143-12-31",
            "262144-01-01",
            "2026-12-25 ",
            "25/12/2026",
            "2026-1-1"
        ])),
        8 => json!(*rng.pick(&[
            "2026-11-24 23:11:29",
            "2026-11-24 23:11:29.123456",
            "2026-11-24T23:11:29Z",
            "2026-11-24 23:59:60",
            "2026-11-24 24:00:00",
            "2026-11-24",
            "9999-12-31 23:59:59",
            "-0001-01-01 00:00:00",
            "2026-11-24 23:11:29.9999999999999999999"
        ])),
        9 => json!(*rng.pick(&[
            "aGVsbG8=",
            "aGVsbG8",
            "a GVs bG8=",
            "====",
            "!!!!",
            "iVBORw0KGgo=",
            "",
            "YQ==\n"
        ])),
        10 | 11 => json!([int(rng), field_value(rng, depth + 1)]),
        12 => json!([int(rng)]),
        13 => json!([int(rng), "x", "extra"]),
        14 => json!({"id": int(rng), "display_name": field_value(rng, depth + 1)}),
        15 => json!({"display_name": "no id"}),
        16 | 17 => Value::Array((0..rng.below(5)).map(|_| json!(int(rng))).collect()),
        18 => json!([1, "2", 3.5, null, false]),
        19 => json!([]),
        20 => json!({}),
        21 => json!(random_string(rng)),
        _ => random_value(rng, depth + 1),
    }
}

fn int(rng: &mut Rng) -> i64 {
    match rng.below(8) {
        0 => i64::MAX,
        1 => i64::MIN,
        2 => -1,
        3 => 0,
        4 => rng.next() as i64,
        _ => rng.below(100) as i64,
    }
}

fn float(rng: &mut Rng) -> Value {
    let f: f64 = match rng.below(6) {
        0 => f64::MAX,
        1 => f64::MIN_POSITIVE,
        2 => -0.0,
        3 => 1e300,
        _ => (rng.next() % 1_000_000) as f64 / 100.0,
    };
    // serde_json writes no NaN or infinity: it stays finite.
    json!(f)
}

fn random_string(rng: &mut Rng) -> String {
    let len = rng.below(24);
    (0..len)
        .map(|_| match rng.below(10) {
            0 => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
            1 => *rng.pick(&['"', '\\', '\0', '\n', '<', '&', 'é', '😀']),
            _ => (b'a' + rng.below(26) as u8) as char,
        })
        .collect()
}

/// Any JSON value, up to a few levels deep.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let leaf = depth > 4 || rng.chance(1, 2);
    match rng.below(if leaf { 5 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.chance(1, 2)),
        2 => json!(int(rng)),
        3 => float(rng),
        4 => json!(random_string(rng)),
        5 => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(5))
                .map(|_| (field_name(rng), random_value(rng, depth + 1)))
                .collect(),
        ),
    }
}

/// A list of rows with the row types' fields, most of the right kind.
fn random_rows(rng: &mut Rng) -> Value {
    let rows = (0..rng.below(4))
        .map(|_| {
            let mut row = serde_json::Map::new();
            if rng.chance(9, 10) {
                row.insert("id".into(), json!(int(rng)));
            }
            for _ in 0..rng.below(FIELDS.len()) {
                row.insert(field_name(rng), field_value(rng, 0));
            }
            Value::Object(row)
        })
        .collect();
    Value::Array(rows)
}

/// A key of an error object and how to make its value.
type ErrorPart = (&'static str, fn(&mut Rng) -> Value);

/// An Odoo error object, with each part possibly of the wrong type.
fn random_error_data(rng: &mut Rng) -> Value {
    let mut data = serde_json::Map::new();
    let parts: [ErrorPart; 6] = [
        ("name", |rng| {
            json!(*rng.pick(&[
                "odoo.exceptions.AccessDenied",
                "odoo.exceptions.AccessError",
                "odoo.exceptions.MissingError",
                "odoo.exceptions.UserError",
                "odoo.exceptions.ValidationError",
                "odoo.http.SessionExpiredException",
                "werkzeug.exceptions.NotFound",
                "builtins.ValueError",
                "",
            ]))
        }),
        ("message", |rng| json!(random_string(rng))),
        ("arguments", |rng| {
            json!([random_string(rng), field_value(rng, 0)])
        }),
        ("debug", |_| {
            json!("Traceback (most recent call last):\n  File \"x\"\nValueError: x")
        }),
        ("context", |rng| random_value(rng, 2)),
        ("exception_type", |_| json!("access_denied")),
    ];
    for (key, make) in parts {
        if rng.chance(3, 4) {
            let value = if rng.chance(1, 8) {
                field_value(rng, 0)
            } else {
                make(rng)
            };
            data.insert(key.into(), value);
        }
    }
    Value::Object(data)
}

/// A `/jsonrpc` envelope with a result, an error or neither.
fn random_envelope(rng: &mut Rng, result: Value) -> Value {
    let mut envelope = serde_json::Map::new();
    if rng.chance(9, 10) {
        envelope.insert("jsonrpc".into(), json!("2.0"));
    }
    if rng.chance(9, 10) {
        envelope.insert("id".into(), field_value(rng, 0));
    }
    match rng.below(10) {
        0..=5 => {
            envelope.insert("result".into(), result);
        }
        6..=8 => {
            let mut error = serde_json::Map::new();
            error.insert(
                "code".into(),
                json!(*rng.pick(&[200, 100, 404, 500, -32600])),
            );
            error.insert(
                "message".into(),
                json!(*rng.pick(&["Odoo Server Error", "Odoo Session Expired", ""])),
            );
            if rng.chance(4, 5) {
                error.insert("data".into(), random_error_data(rng));
            }
            let error = if rng.chance(1, 20) {
                field_value(rng, 0)
            } else {
                Value::Object(error)
            };
            envelope.insert("error".into(), error);
        }
        _ => {}
    }
    Value::Object(envelope)
}

/// What `/web/session/authenticate` answers, each part possibly wrong.
fn random_session_info(rng: &mut Rng) -> Value {
    let mut info = serde_json::Map::new();
    let mut maybe = |key: &str, value: Value, rng: &mut Rng| {
        if rng.chance(4, 5) {
            let value = if rng.chance(1, 6) {
                field_value(rng, 0)
            } else {
                value
            };
            info.insert(key.into(), value);
        }
    };
    maybe("uid", json!(int(rng)), rng);
    maybe(
        "user_context",
        json!({"lang": "en_US", "tz": false, "uid": 2}),
        rng,
    );
    maybe("server_version", json!("18.0"), rng);
    maybe(
        "server_version_info",
        json!([18, 0, 0, "final", 0, ""]),
        rng,
    );
    maybe(
        "user_companies",
        json!({"current_company": int(rng), "allowed_companies": {}}),
        rng,
    );
    maybe("db", json!("odoo18"), rng);
    Value::Object(info)
}

/// A JSON-2 body: a bare result, or an error body.
fn random_json2(rng: &mut Rng) -> Input {
    if rng.chance(1, 2) {
        let body = if rng.chance(1, 2) {
            random_rows(rng)
        } else {
            field_value(rng, 0)
        };
        Input {
            status: 200,
            body: serde_json::to_vec(&body).unwrap(),
        }
    } else {
        Input {
            status: *rng.pick(STATUSES),
            body: serde_json::to_vec(&random_error_data(rng)).unwrap(),
        }
    }
}

fn xml_response(value: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n{value}\n</param>\n</params>\n</methodResponse>\n"
    )
}

/// An XML-RPC `<value>`, right or wrong for its type.
fn random_xml_value(rng: &mut Rng, depth: usize, out: &mut String) {
    let leaf = depth > 5 || rng.chance(1, 2);
    out.push_str("<value>");
    match rng.below(if leaf { 12 } else { 15 }) {
        0 => {
            let tag = *rng.pick(&["int", "i4"]);
            let text = *rng.pick(&[
                "42",
                "-1",
                "2147483648",
                "-2147483649",
                "abc",
                "",
                " 7 ",
                "1.5",
            ]);
            let _ = write!(out, "<{tag}>{text}</{tag}>");
        }
        1 => {
            let text = *rng.pick(&[
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775809",
                "12",
                "x",
            ]);
            let _ = write!(out, "<i8>{text}</i8>");
        }
        2 => {
            let text = *rng.pick(&["0", "1", "2", "true", "", "-1"]);
            let _ = write!(out, "<boolean>{text}</boolean>");
        }
        3 => {
            let text = *rng.pick(&["1.5", "1e400", "-1e400", "nan", "inf", "", "1,5", "2250.0"]);
            let _ = write!(out, "<double>{text}</double>");
        }
        4 => {
            let text = *rng.pick(&[
                "20261124T23:11:29",
                "2026-11-24 23:11:29",
                "20261324T25:61:61",
                "2026",
                "",
                "99999999T99:99:99",
            ]);
            let _ = write!(out, "<dateTime.iso8601>{text}</dateTime.iso8601>");
        }
        5 => {
            let text = *rng.pick(&["aGVsbG8=", "a G V s", "====", "!!!", ""]);
            let _ = write!(out, "<base64>{text}</base64>");
        }
        6 => out.push_str(rng.pick::<&str>(&["<nil/>", "<nil></nil>", "<nil>x</nil>"])),
        7 | 8 => {
            let text = *rng.pick(&[
                "S00021",
                "",
                "a &amp; b",
                "&#x0;",
                "&#xD800;",
                "&#65;",
                "&bogus;",
                "&#x110000;",
                "<![CDATA[x]]>",
                "2026-12-25",
                "2026-11-24 23:11:29",
            ]);
            let _ = write!(out, "<string>{text}</string>");
        }
        9 => out.push_str(rng.pick::<&str>(&["untyped text", "", "&#0;", " "])),
        10 => out.push_str(rng.pick::<&str>(&[
            "<unknown>1</unknown>",
            "<int>1</i4>",
            "<string>",
            "</value>",
        ])),
        11 => out.push_str(rng.pick::<&str>(&[
            "<array><data></data></array>",
            "<struct></struct>",
            "<array></array>",
        ])),
        12 | 13 => {
            out.push_str("<struct>");
            for _ in 0..rng.below(5) {
                out.push_str("<member><name>");
                out.push_str(&field_name(rng).replace('&', "&amp;").replace('<', "&lt;"));
                out.push_str("</name>");
                if rng.chance(19, 20) {
                    random_xml_value(rng, depth + 1, out);
                }
                out.push_str("</member>");
            }
            out.push_str("</struct>");
        }
        _ => {
            out.push_str("<array><data>");
            for _ in 0..rng.below(5) {
                random_xml_value(rng, depth + 1, out);
            }
            out.push_str("</data></array>");
        }
    }
    out.push_str("</value>");
}

/// A whole XML-RPC response: a result or a fault.
fn random_xmlrpc(rng: &mut Rng) -> String {
    if rng.chance(3, 4) {
        let mut value = String::new();
        random_xml_value(rng, 0, &mut value);
        xml_response(&value)
    } else {
        let code = *rng.pick(&[
            "<int>1</int>",
            "<int>2</int>",
            "<int>3</int>",
            "<int>4</int>",
            "<string>AccessDenied</string>",
            "<string>warning -- x</string>",
            "<boolean>1</boolean>",
            "",
        ]);
        let string = *rng.pick(&[
            "Access Denied",
            "Record does not exist or has been deleted.",
            "Traceback (most recent call last):\n  File &quot;x&quot;\nodoo.exceptions.UserError: no\nmore",
            "",
            ": x",
            "\n\n",
        ]);
        format!(
            "<?xml version=\"1.0\"?>\n<methodResponse>\n<fault>\n<value><struct>\
             <member><name>faultCode</name><value>{code}</value></member>\
             <member><name>faultString</name><value><string>{string}</string></value></member>\
             </struct></value>\n</fault>\n</methodResponse>\n"
        )
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Arrays,
    Structs,
}

/// A well-formed JSON value nested `depth` levels deep.
fn deep_json(depth: usize, shape: Shape) -> String {
    let (open, close) = match shape {
        Shape::Arrays => ("[", "]"),
        Shape::Structs => ("{\"a\": ", "}"),
    };
    format!("{}false{}", open.repeat(depth), close.repeat(depth))
}

/// A well-formed XML-RPC `<value>` nested `depth` levels deep.
fn deep_xml(depth: usize, shape: Shape) -> String {
    let (open, close) = match shape {
        Shape::Arrays => ("<value><array><data>", "</data></array></value>"),
        Shape::Structs => (
            "<value><struct><member><name>a</name>",
            "</member></struct></value>",
        ),
    };
    format!(
        "{}<value><boolean>0</boolean></value>{}",
        open.repeat(depth),
        close.repeat(depth)
    )
}

/// A list of one row whose `properties` (free JSON) is `value`.
fn xml_row_with(value: &str) -> String {
    format!(
        "<value><array><data><value><struct>\
         <member><name>id</name><value><int>1</int></value></member>\
         <member><name>properties</name>{value}</member>\
         </struct></value></data></array></value>"
    )
}

/// Well-formed nesting around the decoders' depth limits, where the
/// decoders recurse deepest: in a free JSON field of a row, in a context.
fn deep(target: Target, rng: &mut Rng) -> Input {
    let shape = if rng.chance(1, 2) {
        Shape::Arrays
    } else {
        Shape::Structs
    };
    let json_depth = if rng.chance(3, 4) {
        120 + rng.below(16)
    } else {
        1 + rng.below(140)
    };
    let json = deep_json(json_depth, shape);
    let rows = format!("[{{\"id\": 1, \"name\": \"x\", \"properties\": {json}}}]");
    let body = match target {
        Target::XmlRpc => {
            let depth = if rng.chance(3, 4) {
                245 + rng.below(16)
            } else {
                1 + rng.below(270)
            };
            xml_response(&xml_row_with(&deep_xml(depth, shape)))
        }
        Target::JsonRpc => format!("{{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\": {rows}}}"),
        Target::Json2 => rows,
        Target::WebSession => format!(
            "{{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\": {{\"uid\": 2, \"user_context\": {{\"a\": {json}}}}}}}"
        ),
        Target::TypedRows => rows,
    };
    Input {
        status: 200,
        body: body.into_bytes(),
    }
}

/// An input built from scratch for a target.
fn generated(target: Target, rng: &mut Rng) -> Input {
    if rng.chance(1, 20) {
        return deep(target, rng);
    }
    let json = |value: Value| serde_json::to_vec(&value).unwrap();
    match target {
        Target::JsonRpc => {
            let result = if rng.chance(1, 2) {
                random_rows(rng)
            } else {
                field_value(rng, 0)
            };
            Input {
                status: 200,
                body: json(random_envelope(rng, result)),
            }
        }
        Target::XmlRpc => Input {
            status: 200,
            body: random_xmlrpc(rng).into_bytes(),
        },
        Target::Json2 => random_json2(rng),
        Target::WebSession => {
            let info = random_session_info(rng);
            Input {
                status: 200,
                body: json(random_envelope(rng, info)),
            }
        }
        Target::TypedRows => Input {
            status: 200,
            body: json(random_rows(rng)),
        },
    }
}
