//! The platform session of a profile: which token goes to which platform, and keeping a session
//! that a login opened (saved for the profile, or printed for a script).

use std::io;

use serde::{Serialize, Serializer};
use zca_contract::Session;

use super::Context;
use crate::api::Client;
use crate::error::Error;
use crate::output::Human;
use crate::secret::{from_environment, load_session, save_session, Secret, StoredSession};

impl Context {
    /// The session token for `client`'s platform: `ZCA_TOKEN`, else this profile's session
    /// file, whose token goes only to the platform that issued it.
    pub fn session_token(&self, client: &Client) -> Result<(Secret, Option<StoredSession>), Error> {
        if let Some(token) = from_environment("ZCA_TOKEN").filter(|t| !t.is_blank()) {
            self.debug("session token from ZCA_TOKEN");
            return Ok((token, None));
        }
        let stored = self.stored_session()?.ok_or(Error::NotLoggedIn)?;
        if stored.platform != client.origin() {
            return Err(Error::SessionOtherPlatform {
                session_platform: stored.platform.clone(),
                configured: client.origin().to_string(),
            });
        }
        self.debug(&format!("session of {} from the session file", stored.account));
        Ok((Secret::new(stored.token.clone()), Some(stored)))
    }

    /// This profile's saved session, whichever platform it belongs to.
    pub fn stored_session(&self) -> Result<Option<StoredSession>, Error> {
        load_session(self.profile())
    }

    /// A session a login just opened: printed alone with `--print-token` (for
    /// `export ZCA_TOKEN=$(…)`), else saved for this profile with the platform that issued it.
    pub fn keep_session(
        &self,
        client: &Client,
        mut session: Session,
        kind: &str,
        print_token: bool,
    ) -> Result<KeptSession, Error> {
        let token = Secret::new(std::mem::take(&mut session.token));
        if print_token {
            return Ok(KeptSession { session_file: None, token: Some(token) });
        }
        let stored = StoredSession {
            platform: client.origin().to_string(),
            ca_file: self.settings.ca_file.as_ref().map(|c| c.value.clone()),
            account: session.user.account.clone(),
            name: session.user.name.clone(),
            organization: session.user.organization.clone(),
            kind: kind.into(),
            binding_id: session.binding_id,
            expires_at: session.expires_at.clone(),
            token: token.expose().to_string(),
        };
        let path = save_session(self.profile(), &stored)?;
        Ok(KeptSession { session_file: Some(path.display().to_string()), token: None })
    }
}

/// Where a new session went; part of the login reports.
#[derive(Serialize)]
pub struct KeptSession {
    /// Where the session was stored; absent with --print-token.
    pub session_file: Option<String>,
    /// Only with --print-token.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose")]
    pub token: Option<Secret>,
}

fn expose<S: Serializer>(token: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(token.as_ref().map_or("", |t| t.expose()))
}

impl KeptSession {
    /// With `--print-token` the human form is the token alone; `None` when it is not.
    pub fn print_token(&self, out: &mut Human<'_>) -> Option<io::Result<()>> {
        self.token.as_ref().map(|t| writeln!(out.stdout, "{}", t.expose()))
    }
}
