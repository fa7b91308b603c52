//! What `bind` and `login` share: choosing the key and certificate, unlocking the key with its
//! PIN without ever spending a last try unasked, and signing the contract's bytes.

use zca_contract::{signed_bytes, Challenge, Purpose};

use super::pin_source::TerminalPins;
use super::Context;
use crate::cli::platform::{KeyChoice, PinArgs};
use crate::error::{Error, Result};
use crate::pin::{PinGuard, PinUse};
use crate::t;
use crate::token::{signing_certificates, CertObject, Inventory, Key, KeySession, Signer};

/// The certificate to use, with its key: the only one, the one `--token`/`--cert` names, or the
/// one the person picks.
pub fn choose<'a>(
    ctx: &Context,
    inv: &'a Inventory,
    choice: &KeyChoice,
) -> Result<(&'a Key, CertObject)> {
    let now = crate::output::now_local();
    let mut candidates = Vec::new();
    for key in inv.select(choice.token.as_deref())? {
        let certs = crate::timing::measure(
            || format!("read the certificates of {}", key.ca_lock_id),
            || signing_certificates(inv, key, now),
        )?;
        candidates.extend(certs.into_iter().map(|cert| (key, cert)));
    }
    if let Some(sha) = &choice.cert {
        let want = sha.trim().to_ascii_lowercase().replace(':', "");
        if want.len() < 8 {
            return Err(Error::Usage { detail: t!("err-sha256-prefix") });
        }
        candidates.retain(|(_, c)| c.sha256().starts_with(&want));
    }
    if candidates.is_empty() {
        return Err(Error::CertificateNotFound {
            selector: choice
                .cert
                .clone()
                .or(choice.token.clone())
                .unwrap_or_else(|| t!("selector-any")),
        });
    }
    let n = candidates.len() as u64;
    pick(
        ctx,
        candidates,
        |(k, c)| describe(k, c),
        || Error::MissingInput {
            what: t!("what-certificate", count = n),
            sources: "--token SERIAL, --cert SHA256".into(),
        },
        &t!("prompt-choose-certificate"),
    )
}

/// The key to work on: the only one, the one `--token` names, or the one the person picks.
pub fn choose_key<'a>(ctx: &Context, inv: &'a Inventory, token: Option<&str>) -> Result<&'a Key> {
    let keys = inv.select(token)?;
    let n = keys.len() as u64;
    pick(
        ctx,
        keys,
        |k| format!("{}  ·  {}", k.ca_lock_id, k.label),
        || Error::MissingInput {
            what: t!("what-key", count = n),
            sources: "--token SERIAL".into(),
        },
        &t!("prompt-choose-key"),
    )
}

/// One of `items` (never empty): the only one, else the person's choice at the terminal; under
/// `--no-input` the error that names the flags that would have chosen.
fn pick<T>(
    ctx: &Context,
    mut items: Vec<T>,
    describe: impl Fn(&T) -> String,
    missing: impl FnOnce() -> Error,
    prompt: &str,
) -> Result<T> {
    match items.len() {
        1 => Ok(items.remove(0)),
        _ if ctx.no_input => Err(missing()),
        _ => {
            let lines: Vec<String> = items.iter().map(describe).collect();
            let index = crate::prompt::select(prompt, &lines)?;
            Ok(items.swap_remove(index))
        }
    }
}

/// One line per certificate for the choice: who, which CA key, until when.
fn describe(key: &Key, cert: &CertObject) -> String {
    let f = cert.facts.as_ref().expect("only parsed certificates are offered");
    format!(
        "{}  ·  {}  ·  {} {}  ·  {}",
        f.display_name(),
        key.ca_lock_id,
        t!("col-not-after"),
        crate::output::local_time(f.not_after),
        f.key.display()
    )
}

/// Opens a session on the key and logs in through the PIN guard: a locked key refused, a final
/// try only with a yes, the PIN from its sources (or the key's PIN pad), exactly one attempt.
pub fn unlock<'a>(
    ctx: &Context,
    inv: &'a Inventory,
    key: &'a Key,
    pin: &PinArgs,
) -> Result<KeySession<'a>> {
    let session = KeySession::open(inv, key)?;
    let mut source = super::pin_source::TerminalPins::for_login(ctx, pin);
    crate::timing::measure(
        || "C_Login".into(),
        || PinGuard::new().present(&session, PinUse::Login, &mut source),
    )?;
    ctx.debug(&format!("logged in to key {}", key.ca_lock_id));
    warn_if_weak(ctx, &session, key, &source);
    Ok(session)
}

/// After a good login: a PIN the key wants changed, or one everybody tries first, is worth one
/// warning that names the command to change it.
fn warn_if_weak(ctx: &Context, session: &KeySession<'_>, key: &Key, source: &TerminalPins<'_>) {
    let id = key.ca_lock_id.as_str();
    if session.pin_flags().is_ok_and(|f| f.to_be_changed) {
        ctx.out.warning(&t!("warn-pin-must-change", ca_lock_id = id));
    } else if source.gave_well_known_pin() {
        ctx.out.warning(&t!("warn-pin-well-known", ca_lock_id = id));
    }
}

/// Signs the contract's bytes for this challenge with the certificate's private key.
pub fn sign_challenge(
    session: &KeySession<'_>,
    signer: &Signer,
    cert: &CertObject,
    purpose: Purpose,
    challenge: &Challenge,
    ca_lock_id: &str,
) -> Result<Vec<u8>> {
    let msg = signed_bytes(
        purpose,
        &challenge.origin,
        &challenge.challenge_id,
        &challenge.nonce,
        &cert.sha256(),
        ca_lock_id,
    );
    crate::timing::measure(|| "C_Sign".into(), || session.sign(signer, &msg))
}
