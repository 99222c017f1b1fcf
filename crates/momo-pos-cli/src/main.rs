//! `momo-pos`: the core library on the command line, for integrators and
//! scripts. JSON in on stdin, JSON out on stdout; secrets only from the
//! environment, never from flags (flags end up in shell history and `ps`).
//!
//! Exit codes: 0 success, 1 rejected input or failed verification, 2 usage
//! or configuration error.

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use momo_pos::{
    explain, Answer, Authenticity, Client, Confirm, ConfirmAction, CredentialFields, Credentials,
    EncryptedPaymentCode, Environment, Error, Item, Lang, MomoPublicKey, PaymentCode, PosPayment,
    Response, SignedRequest, StatusQuery, UserInfo, MAX_BODY_BYTES,
};
use momo_pos_testkit as simulation;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

const USAGE: &str = "\
momo-pos: MoMo Quick Pay (POS Scanner) from the command line

USAGE:
  momo-pos pos-request              < pos fields (JSON)       signed pos request
  momo-pos query-request            < {orderId, requestId}    signed status query
  momo-pos confirm-request          < {orderId, requestId, amount, requestType}
  momo-pos verify-ipn               < raw IPN body            verified notification
  momo-pos verify-response pos|query|confirm < raw answer body
  momo-pos normalize-code CODE                               normalized payment code
  momo-pos explain CODE [--lang vi|en]                       what a result code means (vi by default)
  momo-pos simulate [--list]                                 the transaction driver's scenarios
  momo-pos simulate SCENARIO [--json]                        play one against a scripted MoMo double
  momo-pos simulate --script FILE [--json]                   replay what MoMo did (README: script format)

ENVIRONMENT (secrets come only from here):
  MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY   merchant credentials
  MOMO_PUBLIC_KEY (key text) or MOMO_PUBLIC_KEY_FILE    MoMo's RSA public key (pos-request)
  MOMO_ENV        test (default), production, or a base URL such as http://127.0.0.1:8080

pos-request reads MoMo's camelCase fields: orderId, requestId, amount, paymentCode
(the code as scanned, encrypted here) or encryptedPaymentCode (already encrypted),
orderInfo, extraData, storeId, storeName, subPartnerCode, orderGroupId, autoCapture,
ipnUrl, items, userInfo, requestTime, lang. It prints {url, headers, body, rawSignature}.

EXIT: 0 success, 1 rejected input or failed verification, 2 usage or configuration error.
";

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = run(&args);
    match result {
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

fn run(args: &[String]) -> Outcome {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["help" | "--help" | "-h"] => Ok(USAGE.trim_end().to_owned()),
        ["--version" | "-V"] => Ok(format!("momo-pos {}", env!("CARGO_PKG_VERSION"))),
        ["pos-request"] => pos_request(&read_stdin()?),
        ["query-request"] => query_request(&read_stdin()?),
        ["confirm-request"] => confirm_request(&read_stdin()?),
        ["verify-ipn"] => verify_ipn(&read_stdin()?),
        ["verify-response", kind] => verify_response(kind, &read_stdin()?),
        ["normalize-code", code] => Ok(PaymentCode::parse(code)?.as_str().to_owned()),
        ["explain", code] => explain_code(code, Lang::default()),
        ["explain", code, "--lang", lang] | ["explain", "--lang", lang, code] => {
            let lang = lang
                .parse::<Lang>()
                .map_err(|_| Failure::Usage("--lang takes vi or en".into()))?;
            explain_code(code, lang)
        }
        ["simulate"] | ["simulate", "--list"] => Ok(list_scenarios()),
        ["simulate", "--script", file] => simulate_script(file, false),
        ["simulate", "--script", file, "--json"] | ["simulate", "--json", "--script", file] => {
            simulate_script(file, true)
        }
        ["simulate", name] => simulate(name, false),
        ["simulate", name, "--json"] | ["simulate", "--json", name] => simulate(name, true),
        [command, ..] => Err(Failure::Usage(format!(
            "unknown command or wrong arguments: {command}"
        ))),
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

/// Parses stdin JSON into `T`; serde names the unknown or mistyped field.
fn input<'a, T: Deserialize<'a>>(stdin: &'a [u8]) -> Result<T, Failure> {
    serde_json::from_slice(stdin).map_err(|e| Failure::Rejected(format!("input: {e}")))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PosInput {
    order_id: String,
    request_id: String,
    amount: u64,
    payment_code: Option<String>,
    encrypted_payment_code: Option<String>,
    #[serde(default)]
    order_info: String,
    #[serde(default)]
    extra_data: String,
    store_id: Option<String>,
    store_name: Option<String>,
    sub_partner_code: Option<String>,
    order_group_id: Option<u64>,
    auto_capture: Option<bool>,
    ipn_url: Option<String>,
    #[serde(default)]
    items: Vec<Item>,
    user_info: Option<UserInfo>,
    request_time: Option<u64>,
    lang: Option<Lang>,
}

fn pos_request(stdin: &[u8]) -> Outcome {
    let i: PosInput = input(stdin)?;
    let client = client()?;
    let code = match (i.payment_code, i.encrypted_payment_code) {
        (Some(plain), None) => public_key()?.encrypt(&PaymentCode::parse(&plain)?)?,
        (None, Some(encrypted)) => EncryptedPaymentCode::from_base64(&encrypted)?,
        (Some(_), Some(_)) => {
            return Err(Failure::Rejected(
                "paymentCode: give paymentCode or encryptedPaymentCode, not both".into(),
            ))
        }
        (None, None) => {
            return Err(Error::MissingField {
                field: "paymentCode".into(),
            }
            .into())
        }
    };
    let mut payment = PosPayment::new(i.order_id, i.request_id, i.amount, code)
        .order_info(i.order_info)
        .extra_data(i.extra_data)
        .items(i.items);
    if let Some(v) = i.store_id {
        payment = payment.store_id(v);
    }
    if let Some(v) = i.store_name {
        payment = payment.store_name(v);
    }
    if let Some(v) = i.sub_partner_code {
        payment = payment.sub_partner_code(v);
    }
    if let Some(v) = i.order_group_id {
        payment = payment.order_group_id(v);
    }
    if let Some(v) = i.auto_capture {
        payment = payment.auto_capture(v);
    }
    if let Some(v) = i.ipn_url {
        payment = payment.ipn_url(v);
    }
    if let Some(v) = i.user_info {
        payment = payment.user_info(v);
    }
    if let Some(v) = i.request_time {
        payment = payment.request_time(v);
    }
    if let Some(v) = i.lang {
        payment = payment.lang(v);
    }
    print_request(&client.pos_request(&payment)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QueryInput {
    order_id: String,
    request_id: String,
    lang: Option<Lang>,
}

fn query_request(stdin: &[u8]) -> Outcome {
    let i: QueryInput = input(stdin)?;
    let client = client()?;
    let mut query = StatusQuery::new(i.order_id, i.request_id);
    if let Some(lang) = i.lang {
        query = query.lang(lang);
    }
    print_request(&client.query_request(&query)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfirmInput {
    order_id: String,
    request_id: String,
    amount: u64,
    request_type: ConfirmAction,
    #[serde(default)]
    description: String,
    lang: Option<Lang>,
}

fn confirm_request(stdin: &[u8]) -> Outcome {
    let i: ConfirmInput = input(stdin)?;
    let client = client()?;
    let mut confirm =
        Confirm::new(i.order_id, i.request_id, i.amount, i.request_type).description(i.description);
    if let Some(lang) = i.lang {
        confirm = confirm.lang(lang);
    }
    print_request(&client.confirm_request(&confirm)?)
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

fn verify_response(kind: &str, stdin: &[u8]) -> Outcome {
    let client = client()?;
    match kind {
        "pos" => print_response(client.parse_pos_response(stdin)?),
        "query" => print_response(client.parse_query_response(stdin)?),
        "confirm" => print_response(client.parse_confirm_response(stdin)?),
        other => Err(Failure::Usage(format!(
            "verify-response takes pos, query or confirm, not {other:?}"
        ))),
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

fn explain_code(code: &str, lang: Lang) -> Outcome {
    let code: i64 = code
        .parse()
        .map_err(|_| Failure::Usage(format!("result code must be an integer, not {code:?}")))?;
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
    let width = simulation::SCENARIOS
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0);
    simulation::SCENARIOS
        .iter()
        .map(|s| format!("{:width$}  {}", s.name, s.summary()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plays a scenario and prints the driver's journal, times relative to the
/// start: the flow an integrator's host goes through.
fn simulate(name: &str, as_json: bool) -> Outcome {
    let scenario = simulation::find(name).ok_or_else(|| {
        Failure::Usage(format!(
            "no scenario {name:?}; `momo-pos simulate --list` shows them"
        ))
    })?;
    report(scenario.name, &scenario.script()?, as_json)
}

/// Plays a script file of the format in the README ("Replaying an
/// incident").
fn simulate_script(path: &str, as_json: bool) -> Outcome {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read script {path}: {e}")))?;
    report(path, &simulation::Script::from_json(&text)?, as_json)
}

fn report(name: &str, script: &simulation::Script, as_json: bool) -> Outcome {
    let run = simulation::play(script, simulation::RunOptions::default())?;
    if as_json {
        return to_json(&serde_json::json!({
            "scenario": name,
            "steps": run.steps,
            "log": run.driver.log(),
            "outcome": run.outcome,
        }));
    }
    let mut out = format!("scenario {name}: {}\n\n", script.summary);
    for entry in run.driver.log() {
        let at = entry.at_ms.saturating_sub(simulation::T0_MS);
        let flag = if entry.event.is_anomaly() { "!" } else { " " };
        out += &format!(
            "{flag} +{:>3}.{:03}s  {}\n",
            at / 1000,
            at % 1000,
            entry.event
        );
    }
    out += &format!("\noutcome: {}", run.outcome);
    if let Some(info) = run.outcome.result() {
        out += &format!("\nnext step: {}", info.next_step.as_str());
    }
    Ok(out)
}
