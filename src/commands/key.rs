//! What `bind` and `login` share: choosing the key and certificate, unlocking the key with its
//! PIN without ever spending a last try unasked, and signing the contract's bytes.

use zca_contract::{signed_bytes, Challenge, Purpose};

use super::Context;
use crate::cli::platform::{KeyChoice, PinArgs};
use crate::error::{Error, Result};
use crate::secret::{read_secret, SecretSources};
use crate::t;
use crate::token::{
    list_certificates, CertObject, CertUsage, Inventory, Key, KeySession, PinState, Signer,
};

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
            || list_certificates(inv, key, now),
        )?;
        for cert in certs {
            // An SKF container's encryption key decrypts only.
            if cert.facts.is_some() && cert.usage != Some(CertUsage::Encryption) {
                candidates.push((key, cert));
            }
        }
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

/// Opens a session on the key and logs in: refuses a locked key, asks before a final try, reads
/// the PIN from its sources, and makes exactly one attempt.
pub fn unlock<'a>(
    ctx: &Context,
    inv: &'a Inventory,
    key: &'a Key,
    pin: &PinArgs,
) -> Result<KeySession<'a>> {
    let session = KeySession::open(inv, key)?;
    let flags = session.pin_flags()?;
    match flags.user {
        PinState::Locked => return Err(Error::PinLocked),
        PinState::FinalTry if !pin.allow_final_try => {
            if ctx.no_input {
                return Err(Error::PinFinalTryRefused);
            }
            if !crate::prompt::confirm(
                &t!("prompt-final-try", ca_lock_id = key.ca_lock_id.as_str()),
                false,
            )? {
                return Err(Error::PinFinalTryRefused);
            }
        }
        _ => {}
    }
    let sources = SecretSources {
        what: t!("what-pin"),
        stdin: pin.pin_stdin,
        file: pin.pin_file.as_deref(),
        env: "ZCA_PIN",
        flags: "--pin-stdin, --pin-file FILE",
    };
    let mut prompt =
        t!("prompt-pin", label = key.label.as_str(), ca_lock_id = key.ca_lock_id.as_str());
    // Where the key counts its tries, the person sees them before typing.
    if let Some(tries) = flags.user_tries {
        let left = t!("pin-tries-left", left = tries.left, max = tries.max);
        ctx.debug(&format!("key {}: {left}", key.ca_lock_id));
        prompt = format!("{prompt} ({left})");
    }
    let secret = read_secret(&sources, ctx.no_input, &prompt)?;
    crate::timing::measure(|| "C_Login".into(), || session.login(&secret))?;
    ctx.debug(&format!("logged in to key {}", key.ca_lock_id));
    warn_if_weak(ctx, &session, key, &secret);
    Ok(session)
}

/// After a good login: a PIN the key wants changed, or one everybody tries first, is worth one
/// warning that names the command to change it.
fn warn_if_weak(ctx: &Context, session: &KeySession<'_>, key: &Key, pin: &crate::secret::Secret) {
    let id = key.ca_lock_id.as_str();
    if session.pin_flags().is_ok_and(|f| f.to_be_changed) {
        ctx.out.warning(&t!("warn-pin-must-change", ca_lock_id = id));
    } else if crate::pin::is_well_known(pin.expose()) {
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
