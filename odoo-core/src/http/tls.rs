//! TLS settings: extra root certificates for a server behind a private CA,
//! and a client certificate for servers that ask for one.

use crate::error::{ConfigError, Error};

/// PEM texts given to the client builder, read when the client is built.
#[derive(Clone, Default)]
pub(crate) struct TlsConfig {
    /// Each a PEM bundle of one or more CA certificates, trusted besides
    /// the system's roots.
    pub(crate) roots: Vec<Vec<u8>>,
    /// A PEM with the client's certificate chain and its private key.
    pub(crate) identity: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsConfig {
    // The identity holds a private key: show only whether there is one.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("extra_roots", &self.roots.len())
            .field("client_certificate", &self.identity.is_some())
            .finish()
    }
}

impl TlsConfig {
    /// Add these settings to a reqwest builder.
    pub(crate) fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, Error> {
        for (n, pem) in self.roots.iter().enumerate() {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                Error::from(ConfigError::new(format!(
                    "root certificate bundle #{} is not PEM certificates: {}",
                    n + 1,
                    error_chain(&e)
                )))
            })?;
            if certs.is_empty() {
                return Err(Error::from(ConfigError::new(format!(
                    "root certificate bundle #{} holds no certificate (expected \
                     -----BEGIN CERTIFICATE----- blocks)",
                    n + 1
                ))));
            }
            builder = builder.tls_certs_merge(certs);
        }
        if let Some(pem) = &self.identity {
            // Never quote the PEM: it holds the private key.
            let identity = reqwest::Identity::from_pem(pem).map_err(|e| {
                Error::from(ConfigError::new(format!(
                    "the client certificate is not a PEM certificate chain with its private key: {}",
                    error_chain(&e)
                )))
            })?;
            builder = builder.identity(identity);
        }
        Ok(builder)
    }
}

/// An error with its causes, `a: b: c` (reqwest's own text is only
/// "builder error"; the cause says what was wrong). The parsers' messages
/// name what is missing, never the key material.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    if let Some(causes) = causes(e) {
        text.push_str(": ");
        text.push_str(&causes);
    }
    text
}

/// The causes below an error, `b: c`; `None` when it has none.
pub(crate) fn causes(e: &dyn std::error::Error) -> Option<String> {
    let mut parts = Vec::new();
    let mut source = e.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    (!parts.is_empty()).then(|| parts.join(": "))
}
