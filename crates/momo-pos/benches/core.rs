#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

//! Criterion benchmarks of the hot paths: code normalization, RSA encryption,
//! request signing and IPN verification.
//!
//! Run with `cargo bench -p momo-pos --bench core`; every group reports elem/s (ops/s).
//! Criterion ids are `group/function` (e.g. `normalize_code/scanned`); the
//! group names are the stable names to quote.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use momo_pos::{
    Client, Confirm, ConfirmAction, CredentialFields, Credentials, Environment, MomoPublicKey,
    PaymentCode, PosPayment, Refund, StatusQuery,
};
use serde_json::Value;

const SCANNED: &str = "]Q1MM561918531775222861\r\n";
const KEY_2048: &str = include_str!("../../../tests/keys/test_rsa2048_public_spki.b64");
const KEY_4096: &str = include_str!("../../../tests/keys/test_rsa4096_public_spki.b64");

fn client() -> Client {
    Client::new(
        Credentials::new(CredentialFields {
            partner_code: "MOMO",
            access_key: "F8BBA842ECF85",
            secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz",
        })
        .unwrap(),
        Environment::Test,
    )
}

/// The body of the IPN vector `name` in tests/vectors/signatures.json.
fn ipn_body(name: &str) -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/signatures.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let case = vectors["ipn"]
        .as_array()
        .unwrap()
        .iter()
        .find(|case| case["name"] == name)
        .unwrap_or_else(|| panic!("no ipn vector {name}"));
    case["body"].as_str().unwrap().as_bytes().to_vec()
}

fn normalize_code(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalize_code");
    group.throughput(Throughput::Elements(1));
    group.bench_function("scanned", |b| {
        b.iter(|| PaymentCode::parse(black_box(SCANNED)).unwrap());
    });
    group.finish();
}

fn encrypt_code(c: &mut Criterion) {
    let code = PaymentCode::parse(SCANNED).unwrap();
    let mut group = c.benchmark_group("encrypt_code");
    group.throughput(Throughput::Elements(1));
    for (name, text) in [("rsa2048", KEY_2048), ("rsa4096", KEY_4096)] {
        let key = MomoPublicKey::parse(text).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| black_box(&key).encrypt(black_box(&code)).unwrap());
        });
    }
    group.finish();
}

fn pos_request(c: &mut Criterion) {
    let client = client();
    let key = MomoPublicKey::parse(KEY_2048).unwrap();
    let code = PaymentCode::parse(SCANNED).unwrap();
    let payment = PosPayment::new(
        "ORDER-1001",
        "ORDER-1001-r1",
        50_000,
        key.encrypt(&code).unwrap(),
    )
    .with_order_info("Cà phê sữa đá x2");

    let mut group = c.benchmark_group("pos_request");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign_only", |b| {
        b.iter(|| client.pos_request(black_box(&payment)).unwrap());
    });
    group.bench_function("encrypt_and_sign_rsa2048", |b| {
        b.iter(|| {
            let code = PaymentCode::parse(black_box(SCANNED)).unwrap();
            let payment = PosPayment::new(
                "ORDER-1001",
                "ORDER-1001-r1",
                50_000,
                key.encrypt(&code).unwrap(),
            )
            .with_order_info("Cà phê sữa đá x2");
            client.pos_request(black_box(&payment)).unwrap()
        });
    });
    group.finish();
}

fn query_request(c: &mut Criterion) {
    let client = client();
    let query = StatusQuery::new("ORDER-1001", "ORDER-1001-q1");
    let mut group = c.benchmark_group("query_request");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign", |b| {
        b.iter(|| client.query_request(black_box(&query)).unwrap());
    });
    group.finish();
}

fn confirm_request(c: &mut Criterion) {
    let client = client();
    let confirm = Confirm::new(
        "ORDER-1001",
        "ORDER-1001-c1",
        50_000,
        ConfirmAction::Capture,
    );
    let mut group = c.benchmark_group("confirm_request");
    group.throughput(Throughput::Elements(1));
    group.bench_function("capture", |b| {
        b.iter(|| client.confirm_request(black_box(&confirm)).unwrap());
    });
    group.finish();
}

fn refund_request(c: &mut Criterion) {
    let client = client();
    let refund = Refund::new(
        "ORDER-1001-R1",
        "ORDER-1001-R1",
        20_000,
        "9007199254740993".parse().unwrap(),
    )
    .with_description("Khách trả hàng");
    let mut group = c.benchmark_group("refund_request");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign", |b| {
        b.iter(|| client.refund_request(black_box(&refund)).unwrap());
    });
    group.finish();
}

fn verify_ipn(c: &mut Criterion) {
    let client = client();
    for (group_name, vector) in [
        ("verify_ipn", "valid_basic"),
        ("verify_ipn_vietnamese", "valid_vietnamese_raw_utf8"),
    ] {
        let body = ipn_body(vector);
        client.verify_ipn(&body).unwrap();
        let mut group = c.benchmark_group(group_name);
        group.throughput(Throughput::Elements(1));
        group.bench_function(vector, |b| {
            b.iter(|| client.verify_ipn(black_box(&body)).unwrap());
        });
        group.finish();
    }
}

/// The worst-case corpus (tests/hostile/): verifying each body, and parsing
/// it as a status query's answer. The goal: none above 50 µs.
fn hostile_bodies(c: &mut Criterion) {
    let client = client();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/hostile");
    let manifest = std::fs::read_to_string(format!("{dir}/corpus.json")).unwrap();
    let entries: Vec<Value> = serde_json::from_str(&manifest).unwrap();
    for (group_name, query) in [
        ("hostile_verify_ipn", false),
        ("hostile_query_answer", true),
    ] {
        let mut group = c.benchmark_group(group_name);
        group.throughput(Throughput::Elements(1));
        for entry in &entries {
            let file = entry["file"].as_str().unwrap();
            let body = std::fs::read(format!("{dir}/{file}")).unwrap();
            let name = file.trim_end_matches(".json");
            group.bench_function(name, |b| {
                if query {
                    b.iter(|| client.parse_query_response(black_box(&body)).is_ok());
                } else {
                    b.iter(|| client.verify_ipn(black_box(&body)).is_ok());
                }
            });
        }
        group.finish();
    }
}

fn parse_key(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_key");
    group.throughput(Throughput::Elements(1));
    group.bench_function("spki_b64_2048", |b| {
        b.iter(|| MomoPublicKey::parse(black_box(KEY_2048)).unwrap());
    });
    group.finish();
}

/// The driver's own cost: a whole scripted payment (signing, parsing,
/// journaling included), and the write-ahead snapshot a host takes before
/// each send.
fn driver(c: &mut Criterion) {
    use momo_pos::driver::{Driver, DriverConfig};
    use momo_pos_testkit::{self as simulation, RunOptions};

    let mut group = c.benchmark_group("driver");
    group.throughput(Throughput::Elements(1));
    let pending = simulation::find("pending-then-paid").unwrap();
    group.bench_function("pending_then_paid", |b| {
        b.iter(|| simulation::run(black_box(pending), RunOptions::default()).unwrap())
    });
    let client = simulation::client().unwrap();
    let payment = simulation::payment(true).unwrap();
    let driver = Driver::start(&client, &payment, DriverConfig::default(), 0).unwrap();
    group.bench_function("snapshot", |b| {
        b.iter(|| black_box(&driver).snapshot().unwrap())
    });
    let snapshot = driver.snapshot().unwrap();
    group.bench_function("restore", |b| {
        b.iter(|| Driver::restore(black_box(&snapshot), 0).unwrap())
    });
    let lost = simulation::find_refund("refund-lost-then-listed").unwrap();
    group.bench_function("refund_lost_then_listed", |b| {
        b.iter(|| simulation::run_refund(black_box(lost), RunOptions::default()).unwrap())
    });
    group.finish();
}

criterion_group!(
    benches,
    normalize_code,
    encrypt_code,
    pos_request,
    query_request,
    confirm_request,
    refund_request,
    verify_ipn,
    hostile_bodies,
    parse_key,
    driver
);
criterion_main!(benches);
