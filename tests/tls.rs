//! TLS settings of the client builder: a private CA's root certificates
//! (`add_root_certificates_pem`) and a client certificate for mutual TLS
//! (`client_certificate_pem`).
//!
//! The server is the embedded Odoo behind a TLS-terminating proxy that the
//! test runs on 127.0.0.1, with a CA, a server certificate and a client
//! certificate made at run time. A real Odoo (`ODOO_URL`) cannot take part:
//! its certificate is not from this CA, so these tests ignore `ODOO_URL`.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use odoo::{Client, ClientBuilder, Domain, Error, TransportErrorKind};
use odoo_mock::MockServer;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

/// A failure that is not retried should reach the caller this fast.
const FAIL_FAST: Duration = Duration::from_secs(1);

fn announce(test: &str) {
    println!(
        "[odoo-rs tests] tls::{test}: on the embedded odoo-mock behind an in-test TLS proxy \
         with its own CA (ODOO_URL is ignored: a real Odoo's certificate is not from this CA)"
    );
}

/// A private CA, a server certificate for `localhost` and `127.0.0.1`, and a
/// client certificate, all made now.
struct Pki {
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    server_chain: Vec<CertificateDer<'static>>,
    server_key_pem: String,
    /// The client certificate, the CA certificate and the client's key.
    client_identity_pem: String,
    client_cert_pem: String,
    client_key_pem: String,
}

impl Pki {
    fn new() -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "odoo-rs test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();

        let mut server_params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        server_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = KeyPair::generate().unwrap();
        let server_cert = server_params.signed_by(&server_key, &ca).unwrap();

        let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        client_params
            .distinguished_name
            .push(DnType::CommonName, "odoo-rs test client");
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client_key = KeyPair::generate().unwrap();
        let client_cert = client_params.signed_by(&client_key, &ca).unwrap();

        let client_key_pem = client_key.serialize_pem();
        Pki {
            ca_pem: ca.pem(),
            ca_der: ca.der().clone(),
            server_chain: vec![server_cert.der().clone(), ca.der().clone()],
            server_key_pem: server_key.serialize_pem(),
            client_identity_pem: format!("{}{}{}", client_cert.pem(), ca.pem(), client_key_pem),
            client_cert_pem: client_cert.pem(),
            client_key_pem,
        }
    }

    /// A slice of the middle of the client's private key, as it stands in
    /// the PEM: no error message or `Debug` output may hold it.
    fn key_fragment(&self) -> &str {
        let body = self
            .client_key_pem
            .lines()
            .find(|line| !line.starts_with("-----"))
            .unwrap();
        &body[8..40]
    }
}

/// What the proxy saw.
#[derive(Default)]
struct ProxyStats {
    handshakes: AtomicUsize,
    refused: AtomicUsize,
}

impl ProxyStats {
    /// Wait (a second at most) until the proxy has refused `n` handshakes.
    async fn wait_refused(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(1);
        while self.refused.load(Ordering::SeqCst) < n && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(self.refused.load(Ordering::SeqCst), n, "refused handshakes");
    }
}

/// Accept TLS on 127.0.0.1 with the server certificate and pass each
/// connection's plain bytes on to `upstream`. With `client_auth` the
/// handshake asks for a client certificate from the CA and fails without.
async fn tls_proxy(pki: &Pki, upstream: SocketAddr, client_auth: bool) -> (u16, Arc<ProxyStats>) {
    // An explicit provider, so nothing depends on a process-wide default.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = if client_auth {
        let mut roots = RootCertStore::empty();
        roots.add(pki.ca_der.clone()).unwrap();
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let key = PrivateKeyDer::from_pem_slice(pki.server_key_pem.as_bytes()).unwrap();
    let mut config = builder
        .with_single_cert(pki.server_chain.clone(), key)
        .unwrap();
    // The mock speaks HTTP/1.1 on its plain port.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(config));

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let stats = Arc::new(ProxyStats::default());
    let seen = stats.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                seen.handshakes.fetch_add(1, Ordering::SeqCst);
                let mut tls = match acceptor.accept(tcp).await {
                    Ok(tls) => tls,
                    Err(_) => {
                        seen.refused.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                };
                let Ok(mut plain) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (port, stats)
}

/// The mock's plain TCP address, from its `http://127.0.0.1:PORT` URL.
fn plain_addr(server: &MockServer) -> SocketAddr {
    server
        .url()
        .strip_prefix("http://")
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

fn https_client(server: &MockServer, port: u16) -> ClientBuilder {
    Client::builder(format!("https://localhost:{port}")).database(server.database())
}

#[tokio::test]
async fn a_private_ca_is_refused_until_its_root_is_added() {
    announce("a_private_ca_is_refused_until_its_root_is_added");
    let pki = Pki::new();
    let server = MockServer::start().await.unwrap();
    let (port, stats) = tls_proxy(&pki, plain_addr(&server), false).await;

    // The system roots alone do not trust the test CA. The default retry
    // policy: a refused certificate is final, so this fails at once.
    let client = https_client(&server, port).build().unwrap();
    let started = Instant::now();
    let err = client.login("alice", "alice").await.unwrap_err();
    let took = started.elapsed();
    println!("untrusted certificate refused in {took:?}: {err}");
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect, "{err}");
    assert!(!transport.may_have_reached_server());
    let text = err.to_string().to_ascii_lowercase();
    assert!(text.contains("certificate"), "{err}");
    assert!(
        !text.contains("attempts"),
        "a TLS refusal was retried: {err}"
    );
    assert!(took < FAIL_FAST, "the refusal took {took:?}");
    // The proxy learns of the refusal from the client's alert, maybe after
    // the client has returned.
    stats.wait_refused(1).await;
    assert_eq!(stats.handshakes.load(Ordering::SeqCst), 1, "one attempt");
    assert_eq!(server.http_requests(), 0, "nothing may reach the server");

    // With the CA's root, the same server is trusted.
    let client = https_client(&server, port)
        .add_root_certificates_pem(pki.ca_pem.clone())
        .build()
        .unwrap();
    let partners = alice_reads_partners(&client).await;
    assert!(partners[0]["name"].is_string(), "{partners:?}");
    assert!(server.http_requests() >= 2, "login and read went through");
}

/// alice logs in over `client` and reads a few partners, which must come.
async fn alice_reads_partners(client: &Client) -> Vec<Value> {
    let alice = client.login("alice", "alice").await.unwrap();
    let partners: Vec<Value> = alice
        .search_read("res.partner", Domain::all())
        .fields(["name"])
        .limit(3)
        .await
        .unwrap();
    assert!(!partners.is_empty());
    partners
}

#[tokio::test]
async fn the_root_trusts_the_server_by_ip_address_too() {
    announce("the_root_trusts_the_server_by_ip_address_too");
    let pki = Pki::new();
    let server = MockServer::start().await.unwrap();
    let (port, _) = tls_proxy(&pki, plain_addr(&server), false).await;
    let client = Client::builder(format!("https://127.0.0.1:{port}"))
        .database(server.database())
        .add_root_certificates_pem(pki.ca_pem.clone())
        .build()
        .unwrap();
    let alice = client.login("alice", "alice").await.unwrap();
    let count = alice
        .search_count("res.partner", Domain::all())
        .await
        .unwrap();
    assert!(count > 0);
}

#[tokio::test]
async fn mutual_tls_needs_the_client_certificate() {
    announce("mutual_tls_needs_the_client_certificate");
    let pki = Pki::new();
    let server = MockServer::start().await.unwrap();
    let (port, stats) = tls_proxy(&pki, plain_addr(&server), true).await;

    // Trusting the server is not enough: the proxy wants a certificate.
    let client = https_client(&server, port)
        .add_root_certificates_pem(pki.ca_pem.clone())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.login("alice", "alice").await.unwrap_err();
    let took = started.elapsed();
    let attempts = stats.handshakes.load(Ordering::SeqCst);
    println!(
        "login without a client certificate refused in {took:?}, {attempts} handshake(s): {err}"
    );
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        err.to_string().contains("CertificateRequired"),
        "the server's alert is named: {err}"
    );
    // Under TLS 1.3 the client finishes its side of the handshake before
    // the server checks the client certificate, so the refusal comes as an
    // alert on the first read. It is still a refused connection: final, not
    // retried, and nothing ran.
    assert_eq!(err.attempts(), 1, "a TLS refusal was retried: {err}");
    assert!(!err.may_have_run(), "{err}");
    assert!(took < FAIL_FAST, "the refusal took {took:?}");
    stats.wait_refused(attempts).await;
    assert_eq!(server.http_requests(), 0, "nothing may reach the server");

    // The certificate chain and its key in one PEM.
    let client = https_client(&server, port)
        .add_root_certificates_pem(pki.ca_pem.clone())
        .client_certificate_pem(pki.client_identity_pem.clone())
        .build()
        .unwrap();
    alice_reads_partners(&client).await;
    assert!(server.http_requests() >= 2);
}

#[tokio::test]
async fn malformed_pem_is_a_config_error_that_never_shows_the_key() {
    announce("malformed_pem_is_a_config_error_that_never_shows_the_key");
    let pki = Pki::new();
    let key = pki.key_fragment().to_owned();
    let base = || Client::builder("https://localhost:8069").database("odoo");

    // Roots: text that is no PEM, and a PEM block that is not base64.
    for bad_root in [
        "not a certificate".to_owned(),
        "-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n".to_owned(),
    ] {
        let err = base()
            .add_root_certificates_pem(bad_root.clone())
            .build()
            .unwrap_err();
        println!("root {bad_root:?}: {err}");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }

    // Identities, each holding (part of) the private key.
    let mangled_key = pki.client_key_pem.replacen(&key[..4], "!!!!", 1);
    let other_key = KeyPair::generate().unwrap().serialize_pem();
    let bad_identities = [
        ("a key without its certificate", pki.client_key_pem.clone()),
        (
            "a certificate with a key that is not base64",
            format!("{}{mangled_key}", pki.client_cert_pem),
        ),
        ("a certificate without its key", pki.client_cert_pem.clone()),
        (
            "a certificate with another key",
            format!("{}{other_key}", pki.client_cert_pem),
        ),
    ];
    let mut config_errors = 0;
    for (what, pem) in bad_identities {
        let builder = base().client_certificate_pem(pem);
        let debug = format!("{builder:?}");
        assert!(!debug.contains(&key[4..]), "{debug}");
        assert!(!debug.contains("PRIVATE KEY"), "{debug}");
        assert!(debug.contains("client_certificate: true"), "{debug}");
        match builder.build() {
            Err(err @ Error::Config(_)) => {
                config_errors += 1;
                println!("identity, {what}: {err}");
                let message = format!("{err} {err:?}");
                assert!(!message.contains(&key[4..]), "{what}: {message}");
                assert!(!message.contains("PRIVATE KEY-----"), "{what}: {message}");
                assert!(!message.contains(&other_key[40..72]), "{what}: {message}");
            }
            Err(err) => panic!("{what}: expected Error::Config, got {err:?}"),
            Ok(client) => {
                println!("identity, {what}: accepted at build");
                assert!(!format!("{client:?}").contains(&key[4..]));
            }
        }
    }
    // At least the key without a certificate and the broken key.
    assert!(config_errors >= 2, "{config_errors} identity errors");

    // A good identity's builder and client do not show the key either.
    let builder = base().client_certificate_pem(pki.client_identity_pem.clone());
    assert!(!format!("{builder:?}").contains(&key[4..]));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(&key[4..]));
}
