//! `momo-pos`: the core library on the command line, for integrators and
//! scripts. JSON in on stdin, JSON out on stdout; secrets only from the
//! environment, never from flags (flags end up in shell history and `ps`).
//!
//! Exit codes: 0 success, 1 rejected input or failed verification, 2 usage
//! or configuration error (clap's own usage errors exit 2 as well).

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand, ValueEnum};
use momo_pos::driver::LogEntry;
use momo_pos::input::{self, ConfirmInput, PosPaymentInput, RefundInput, StatusQueryInput};
use momo_pos::{
    explain, Answer, Authenticity, Client, CredentialFields, Credentials, Environment, Error, Lang,
    MomoPublicKey, PaymentCode, Response, ResultCodeInfo, SignedRequest, MAX_BODY_BYTES,
};
use momo_pos_testkit as simulation;
use serde::Serialize;
use serde_json::value::RawValue;

const ENVIRONMENT: &str = "\
ENVIRONMENT (secrets come only from here, never from flags):
  MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY   merchant credentials
  MOMO_PUBLIC_KEY (key text) or MOMO_PUBLIC_KEY_FILE    MoMo's RSA public key (pos-request)
  MOMO_ENV        test (default), production, or a base URL such as http://127.0.0.1:8080

EXIT: 0 success, 1 rejected input or failed verification, 2 usage or configuration error.";

/// MoMo Quick Pay (POS Scanner) from the command line: signed requests,
/// verified answers and notifications, result codes, simulated payments
/// and refunds.
#[derive(Parser)]
#[command(name = "momo-pos", version, after_help = ENVIRONMENT)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Sign a pos payment read from stdin; prints {url, headers, body, rawSignature}.
    ///
    /// stdin: a JSON object in MoMo's camelCase field names: orderId,
    /// requestId, amount, and paymentCode (the code as scanned, encrypted here
    /// with MOMO_PUBLIC_KEY) or encryptedPaymentCode (already encrypted);
    /// optional orderInfo, extraData, storeId, storeName, subPartnerCode,
    /// orderGroupId (a number or a string of digits), autoCapture, ipnUrl,
    /// items, userInfo, requestTime, lang. stdout: {url, headers, body,
    /// rawSignature}; POST body to url with headers.
    PosRequest,
    /// Sign a status query read from stdin.
    ///
    /// stdin: {"orderId", "requestId", "lang"?}. stdout: {url, headers, body,
    /// rawSignature}.
    QueryRequest,
    /// Sign a capture or cancel of an authorized payment read from stdin.
    ///
    /// stdin: {"orderId", "requestId", "amount", "requestType": "capture" |
    /// "cancel", "description"?, "lang"?}. stdout: {url, headers, body,
    /// rawSignature}.
    ConfirmRequest,
    /// Sign a refund of a paid payment read from stdin.
    ///
    /// stdin: {"orderId" (the refund's own, new orderId), "requestId" (the
    /// refund's idempotency key: a resend reuses it), "amount" (VND to give
    /// back), "transId" (MoMo's transId of the paid payment: a JSON number
    /// or a string of digits, every digit kept), "description"?, "lang"?,
    /// "subPartnerCode"?}. stdout: {url, headers, body, rawSignature}; POST
    /// body to url with headers, and keep it: a resend after a lost answer
    /// is these bytes again.
    RefundRequest,
    /// Verify a payment notification (IPN) from its raw body on stdin.
    ///
    /// stdin: the body exactly as MoMo POSTed it. stdout: the verified
    /// notification with its dedupeKey and what its result code means; exit 1
    /// when the signature or a field is wrong.
    VerifyIpn,
    /// Parse an answer of MoMo from its raw body on stdin, verifying its
    /// signature when it carries one.
    ///
    /// stdin: the answer's body (to a pos, query, confirm or refund
    /// request). stdout: {authenticity, body, result}; an unsigned answer is
    /// shown with a warning on stderr. A refund's answer carries the
    /// refund's own transId; a query's lists the payment's refunds in
    /// refundTrans.
    VerifyResponse {
        /// Which call the answer is for.
        #[arg(value_enum)]
        kind: AnswerKind,
    },
    /// Print the normalized payment code (scanner prefix and whitespace
    /// removed), or say which character is wrong.
    NormalizeCode {
        /// The code as the scanner typed it.
        code: String,
    },
    /// Explain a result code: message, whether it is final, the next step.
    Explain {
        /// MoMo's resultCode.
        #[arg(allow_negative_numbers = true)]
        code: i64,
        /// Language of the message.
        #[arg(long, default_value = "vi", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Play the payment driver, or the refund driver, against a scripted
    /// MoMo double.
    ///
    /// Without arguments (or with --list) lists the named scenarios (the
    /// payments, then the refunds: refund-*); with a SCENARIO prints its
    /// journal and outcome; with --script FILE replays a script of what
    /// MoMo did (README: "Replaying an incident"; for refunds the CLI's
    /// README, "Simulated refunds"). --json prints {scenario,
    /// steps, log, outcome}.
    ///
    /// A script with a "refund" object plays a refund of the simulated
    /// payment (ORDER-1001, 50,000 VND paid, transId 4088878653) under the
    /// refund's orderId ORDER-1001-R1 and requestId ORDER-1001-R1-r1:
    /// "refund": {"amount"? (VND, default 50000), "refunded"? (VND refunded
    /// before, default 0), "config"? (requestTimeoutMs, pollDelaysMs,
    /// refundWindowMs, maxRefundSends)}, "answers": {"refund": [the answers
    /// to the refund and its identical resends], "query": [the answers to
    /// the payment's status queries, each with an optional "refundTrans":
    /// [{"resultCode", "amount"?, "orderId"?, "transId"?}], defaulting to
    /// this refund]}, "ipns" and "crashes" as for a payment. An answer is
    /// {"resultCode", "status"?, "afterMs"?, "times"?} or {"lost": "timeout"
    /// | "networkError"}. The outcome is refunded, refused or unknown.
    Simulate {
        /// A scenario of `momo-pos simulate --list`.
        #[arg(conflicts_with_all = ["script", "list"])]
        scenario: Option<String>,
        /// List the named scenarios.
        #[arg(long)]
        list: bool,
        /// Replay a script file instead of a named scenario.
        #[arg(long, value_name = "FILE", conflicts_with = "list")]
        script: Option<PathBuf>,
        /// Print steps, journal and outcome as JSON.
        #[arg(long, conflicts_with = "list")]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum AnswerKind {
    Pos,
    Query,
    Confirm,
    Refund,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse().map_err(|_| "vi or en".to_owned())
}

/// How a command failed; decides the exit code.
enum Failure {
    /// Bad invocation or configuration: exit 2.
    Usage(String),
    /// Input refused or verification failed: exit 1.
    Rejected(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Rejected(e.to_string())
    }
}

type Outcome = Result<String, Failure>;

fn main() -> ExitCode {
    // --help and --version exit 0, clap's usage errors exit 2, naming the flag.
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe is the reader's choice, not our failure.
            let _ = writeln!(stdout, "{out}");
            ExitCode::SUCCESS
        }
        Err(Failure::Rejected(reason)) => {
            eprintln!("momo-pos: {}", one_line(&reason));
            ExitCode::from(1)
        }
        Err(Failure::Usage(reason)) => {
            eprintln!(
                "momo-pos: {}\n(run `momo-pos help` for usage)",
                one_line(&reason)
            );
            ExitCode::from(2)
        }
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

fn run(command: Option<Command>) -> Outcome {
    let Some(command) = command else {
        return Ok(Cli::command().render_long_help().to_string());
    };
    match command {
        Command::PosRequest => pos_request(&read_stdin()?),
        Command::QueryRequest => query_request(&read_stdin()?),
        Command::ConfirmRequest => confirm_request(&read_stdin()?),
        Command::RefundRequest => refund_request(&read_stdin()?),
        Command::VerifyIpn => verify_ipn(&read_stdin()?),
        Command::VerifyResponse { kind } => verify_response(kind, &read_stdin()?),
        Command::NormalizeCode { code } => Ok(PaymentCode::parse(&code)?.as_str().to_owned()),
        Command::Explain { code, lang } => explain_code(code, lang),
        Command::Simulate {
            scenario,
            script,
            json,
            ..
        } => match (scenario, script) {
            (Some(name), None) => simulate(&name, json),
            (None, Some(file)) => simulate_script(&file, json),
            // clap refuses both; none (or --list) lists the scenarios.
            _ => Ok(list_scenarios()),
        },
    }
}

/// Reads stdin, refusing more than the library would parse anyway.
fn read_stdin() -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    let limit = u64::try_from(MAX_BODY_BYTES + 1).unwrap_or(u64::MAX);
    std::io::stdin()
        .take(limit)
        .read_to_end(&mut body)
        .map_err(|e| Failure::Usage(format!("cannot read stdin: {e}")))?;
    if body.len() > MAX_BODY_BYTES {
        return Err(Failure::Rejected(format!(
            "stdin is larger than {MAX_BODY_BYTES} bytes"
        )));
    }
    Ok(body)
}

fn env_var(name: &str) -> Result<String, Failure> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        Ok(_) => Err(Failure::Usage(format!("{name} is empty"))),
        Err(std::env::VarError::NotPresent) => Err(Failure::Usage(format!("{name} is not set"))),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::Usage(format!("{name} is not valid UTF-8")))
        }
    }
}

fn client() -> Result<Client, Failure> {
    let credentials = Credentials::new(CredentialFields {
        partner_code: &env_var("MOMO_PARTNER_CODE")?,
        access_key: &env_var("MOMO_ACCESS_KEY")?,
        secret_key: &env_var("MOMO_SECRET_KEY")?,
    })
    .map_err(|e| Failure::Usage(format!("{e} (from MOMO_* environment variables)")))?;
    let environment = match std::env::var("MOMO_ENV") {
        Ok(text) if !text.is_empty() => text
            .parse::<Environment>()
            .map_err(|e| Failure::Usage(format!("MOMO_ENV: {e}")))?,
        _ => Environment::Test,
    };
    Ok(Client::new(credentials, environment))
}

fn public_key() -> Result<MomoPublicKey, Failure> {
    let text = match (
        std::env::var("MOMO_PUBLIC_KEY"),
        std::env::var("MOMO_PUBLIC_KEY_FILE"),
    ) {
        (Ok(text), _) if !text.is_empty() => text,
        (_, Ok(path)) if !path.is_empty() => std::fs::read_to_string(&path)
            .map_err(|e| Failure::Usage(format!("MOMO_PUBLIC_KEY_FILE {path}: {e}")))?,
        _ => {
            return Err(Failure::Usage(
                "MOMO_PUBLIC_KEY or MOMO_PUBLIC_KEY_FILE must be set to encrypt paymentCode".into(),
            ))
        }
    };
    MomoPublicKey::parse(&text).map_err(|e| Failure::Usage(e.to_string()))
}

/// Reads stdin as one of the core's inputs; errors name the field.
fn read_input<T: serde::de::DeserializeOwned>(stdin: &[u8]) -> Result<T, Failure> {
    let text = std::str::from_utf8(stdin)
        .map_err(|e| Failure::Rejected(format!("input: not UTF-8 ({e})")))?;
    Ok(input::from_json(text, "input")?)
}

fn pos_request(stdin: &[u8]) -> Outcome {
    let input: PosPaymentInput = read_input(stdin)?;
    if input.payment_code.is_none() && input.encrypted_payment_code.is_none() {
        // The CLI takes either form: name the one its help leads with.
        return Err(Error::missing("paymentCode").into());
    }
    let client = client()?;
    // The key only when there is a code to encrypt: an already encrypted
    // payment is signed without MOMO_PUBLIC_KEY.
    let key = match input.payment_code {
        Some(_) => Some(public_key()?),
        None => None,
    };
    let payment = input.into_payment(key.as_ref())?;
    print_request(&client.pos_request(&payment)?)
}

fn query_request(stdin: &[u8]) -> Outcome {
    let input: StatusQueryInput = read_input(stdin)?;
    print_request(&client()?.query_request(&input.into_query())?)
}

fn confirm_request(stdin: &[u8]) -> Outcome {
    let input: ConfirmInput = read_input(stdin)?;
    print_request(&client()?.confirm_request(&input.into_confirm())?)
}

fn refund_request(stdin: &[u8]) -> Outcome {
    let input: RefundInput = read_input(stdin)?;
    print_request(&client()?.refund_request(&input.into_refund())?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestOutput<'a> {
    url: &'a str,
    headers: serde_json::Map<String, serde_json::Value>,
    /// The exact bytes to POST, embedded verbatim (not re-serialized).
    body: &'a RawValue,
    raw_signature: &'a str,
}

fn print_request(request: &SignedRequest) -> Outcome {
    let body: &RawValue = serde_json::from_str(request.body_str())
        .map_err(|e| Failure::Rejected(format!("internal: body is not JSON: {e}")))?;
    let headers = request
        .headers()
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
        .collect();
    to_json(&RequestOutput {
        url: request.url(),
        headers,
        body,
        raw_signature: request.raw_signature(),
    })
}

fn verify_ipn(stdin: &[u8]) -> Outcome {
    let notification = client()?.verify_ipn(stdin)?;
    let mut value = to_value(&notification)?;
    if let serde_json::Value::Object(map) = &mut value {
        map.insert(
            "dedupeKey".into(),
            notification.dedupe_key().to_string().into(),
        );
        map.insert("result".into(), to_value(&notification.result())?);
    }
    to_json(&value)
}

fn verify_response(kind: AnswerKind, stdin: &[u8]) -> Outcome {
    let client = client()?;
    match kind {
        AnswerKind::Pos => print_response(client.parse_pos_response(stdin)?),
        AnswerKind::Query => print_response(client.parse_query_response(stdin)?),
        AnswerKind::Confirm => print_response(client.parse_confirm_response(stdin)?),
        AnswerKind::Refund => print_response(client.parse_refund_response(stdin)?),
    }
}

fn print_response<T: Serialize + AsRef<Answer>>(response: Response<T>) -> Outcome {
    if response.authenticity == Authenticity::Unsigned {
        eprintln!("momo-pos: warning: the response carries no signature: unsigned, not verified");
    }
    to_json(&serde_json::json!({
        "authenticity": response.authenticity,
        "body": response.body,
        "result": response.result(),
    }))
}

fn explain_code(code: i64, lang: Lang) -> Outcome {
    let info = explain(code);
    to_json(&serde_json::json!({
        "code": info.code,
        "known": info.is_known(),
        "message": info.message(lang),
        "final": info.is_final,
        "category": info.category,
        "nextStep": info.next_step,
    }))
}

fn to_value<T: Serialize>(value: &T) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::Rejected(format!("internal: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> Outcome {
    serde_json::to_string_pretty(value).map_err(|e| Failure::Rejected(format!("internal: {e}")))
}

fn list_scenarios() -> String {
    let all = || {
        simulation::SCENARIOS
            .iter()
            .chain(simulation::REFUND_SCENARIOS)
    };
    let width = all().map(|s| s.name.len()).max().unwrap_or(0);
    all()
        .map(|s| format!("{:width$}  {}", s.name, s.summary()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plays a scenario (a payment's or a refund's) and prints the driver's
/// journal, times relative to the start: the flow an integrator's host
/// goes through.
fn simulate(name: &str, as_json: bool) -> Outcome {
    let scenario = simulation::find(name)
        .or_else(|| simulation::find_refund(name))
        .ok_or_else(|| {
            Failure::Usage(format!(
                "no scenario {name:?}; `momo-pos simulate --list` shows them"
            ))
        })?;
    report(scenario.name, &scenario.script()?, as_json)
}

/// Plays a script file of the format in the README ("Replaying an
/// incident"): a refund's when it has "refund".
fn simulate_script(path: &std::path::Path, as_json: bool) -> Outcome {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read script {shown}: {e}")))?;
    report(&shown, &simulation::Script::from_json(&text)?, as_json)
}

fn report(name: &str, script: &simulation::Script, as_json: bool) -> Outcome {
    let options = simulation::RunOptions::default();
    if script.is_refund() {
        let run = simulation::play_refund(script, options)?;
        if as_json {
            return to_json(&serde_json::json!({
                "scenario": name,
                "steps": run.steps,
                "log": run.driver.log(),
                "outcome": run.outcome,
            }));
        }
        return Ok(journal(
            name,
            script,
            run.driver.log(),
            &run.outcome,
            run.outcome.result(),
        ));
    }
    let run = simulation::play(script, options)?;
    if as_json {
        return to_json(&serde_json::json!({
            "scenario": name,
            "steps": run.steps,
            "log": run.driver.log(),
            "outcome": run.outcome,
        }));
    }
    Ok(journal(
        name,
        script,
        run.driver.log(),
        &run.outcome,
        run.outcome.result(),
    ))
}

/// The journal as text, `!` marking what support should look at, then the
/// outcome and MoMo's next step for its code.
fn journal(
    name: &str,
    script: &simulation::Script,
    log: &[LogEntry],
    outcome: &dyn std::fmt::Display,
    result: Option<ResultCodeInfo>,
) -> String {
    let mut out = format!("scenario {name}: {}\n\n", script.summary);
    for entry in log {
        let at = entry.at_ms.saturating_sub(simulation::T0_MS);
        let flag = if entry.event.is_anomaly() { "!" } else { " " };
        out += &format!(
            "{flag} +{:>3}.{:03}s  {}\n",
            at / 1000,
            at % 1000,
            entry.event
        );
    }
    out += &format!("\noutcome: {outcome}");
    if let Some(info) = result {
        out += &format!("\nnext step: {}", info.next_step.as_str());
    }
    out
}
