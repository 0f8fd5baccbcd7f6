//! The signer: a private key and the certificate that names its holder,
//! read from PEM (PKCS#8 plain or encrypted, SEC1, PKCS#1) or PKCS#12, and
//! checked before anything is signed: the key matches the certificate, the
//! certificate is for signing, and it is valid at the signing time: now, or
//! `SOURCE_DATE_EPOCH` when that is set and not later than now.

use std::path::{Path, PathBuf};

use der::{Decode, Encode};
use pkcs8::DecodePrivateKey;
use pkcs8::EncodePublicKey;
use x509_cert::Certificate;
use x509_cert::ext::pkix::KeyUsage;

pub(super) use super::signed::name_of;

/// The environment variable that holds the password of an encrypted key or
/// a PKCS#12 file: never a command-line argument, which other users of the
/// machine can read.
pub const PASSWORD_VARIABLE: &str = "DOSSIER_SIGN_PASSWORD";

/// Where the signer's key and certificates are.
#[derive(Debug, Clone, Default)]
pub struct SignerFiles {
    /// The private key: PEM (PKCS#8) or PKCS#12 (`.p12`, `.pfx`).
    pub key: PathBuf,
    /// The signer's certificate (PEM or DER); optional with PKCS#12, which
    /// carries it.
    pub cert: Option<PathBuf>,
    /// Certificates of the issuing authorities, signer's issuer first.
    pub chain: Vec<PathBuf>,
}

/// A private key dossier can sign with.
pub(super) enum Key {
    /// ECDSA on P-256 with SHA-256, deterministic (RFC 6979).
    P256(p256::ecdsa::SigningKey),
    /// RSA PKCS #1 v1.5 with SHA-256.
    Rsa(Box<rsa::pkcs1v15::SigningKey<rsa::sha2::Sha256>>),
}

impl Key {
    /// The public key's SubjectPublicKeyInfo, DER-encoded.
    fn public_der(&self) -> Result<pkcs8::Document, pkcs8::spki::Error> {
        match self {
            Key::P256(k) => k.verifying_key().to_public_key_der(),
            Key::Rsa(k) => {
                let private: &rsa::RsaPrivateKey = (**k).as_ref();
                rsa::RsaPublicKey::from(private).to_public_key_der()
            }
        }
    }
}

/// Who signs: the key, its certificate and the chain above it.
pub struct Signer {
    pub(super) key: Key,
    /// The signer's certificate.
    pub(super) cert: Certificate,
    /// The issuers' certificates, as given.
    pub(super) chain: Vec<Certificate>,
    /// The certificate file, for messages.
    cert_file: PathBuf,
    /// When it signs, in Unix seconds.
    at: i64,
    /// The time-stamping authority that stamps its signatures, if any.
    tsa: Option<super::tsa::Tsa>,
    /// Where the validation data embedded after each signature comes
    /// from, when it is embedded.
    ltv: Option<super::revocation::Ltv>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name())
            .finish()
    }
}

/// Why a signer could not be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KeyError {
    /// A file could not be read.
    #[error("{}: cannot read: {message}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// Why.
        message: String,
    },
    /// The password is wrong.
    #[error("{}: cannot decrypt: wrong password (the password is read from ${PASSWORD_VARIABLE})", file.display())]
    Password {
        /// The key file.
        file: PathBuf,
    },
    /// The key is encrypted and no password was given.
    #[error("{}: the key is encrypted and no password is set: put it in ${PASSWORD_VARIABLE} (on a terminal, dossier asks for it)", file.display())]
    PasswordNeeded {
        /// The key file.
        file: PathBuf,
    },
    /// A file does not hold what it should.
    #[error("{}: {message}", file.display())]
    Invalid {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The key is not the certificate's.
    #[error("{}: the private key does not match the certificate {}", key.display(), cert.display())]
    Mismatch {
        /// The key file.
        key: PathBuf,
        /// The certificate file.
        cert: PathBuf,
    },
    /// The certificate does not allow signing.
    #[error("{}: the certificate of {name} is not for signing documents: its key usage allows neither digital signatures nor non-repudiation", file.display())]
    NotForSigning {
        /// The certificate file.
        file: PathBuf,
        /// Whom it names.
        name: String,
    },
    /// The certificate is not valid at the signing time.
    #[error("{}: the certificate of {name} is valid from {from} to {to}, not at {when}, the time of signing", file.display())]
    NotValid {
        /// The certificate file.
        file: PathBuf,
        /// Whom it names.
        name: String,
        /// Start of validity.
        from: String,
        /// End of validity.
        to: String,
        /// The signing time.
        when: String,
    },
}

impl Signer {
    /// Reads and checks the signer's key and certificates, decrypting the
    /// key with the password in [`PASSWORD_VARIABLE`], if set.
    pub fn load(files: &SignerFiles) -> Result<Self, KeyError> {
        let password = std::env::var(PASSWORD_VARIABLE).ok();
        Self::load_with_password(files, password.as_deref())
    }

    /// Reads and checks the signer's key and certificates, decrypting the
    /// key with `password`.
    pub fn load_with_password(
        files: &SignerFiles,
        password: Option<&str>,
    ) -> Result<Self, KeyError> {
        let key_bytes = read(&files.key)?;
        let pkcs12 = !key_bytes.starts_with(b"-----") && key_bytes.first() == Some(&0x30);
        let (key_der, mut certs, cert_file) = if pkcs12 {
            let (key, certs) = pkcs12_key(&files.key, &key_bytes, password)?;
            (key, certs, files.key.clone())
        } else {
            (
                pem_key(&files.key, &key_bytes, password)?,
                Vec::new(),
                files.key.clone(),
            )
        };
        let cert_file = match &files.cert {
            Some(file) => {
                // The given certificate first, whatever a PKCS#12 file held.
                certs = certificates(file)?;
                file.clone()
            }
            None if !certs.is_empty() => cert_file,
            None => {
                return Err(KeyError::Invalid {
                    file: files.key.clone(),
                    message: "a PEM key needs its certificate: add --sign-cert CERT".into(),
                });
            }
        };
        let mut certs = certs.into_iter();
        let cert = certs.next().ok_or_else(|| KeyError::Invalid {
            file: cert_file.clone(),
            message: "holds no certificate".into(),
        })?;
        let mut chain: Vec<Certificate> = certs.collect();
        for file in &files.chain {
            chain.extend(certificates(file)?);
        }
        let key = key_of(&files.key, &key_der)?;
        let public = key.public_der().map_err(|e| KeyError::Invalid {
            file: files.key.clone(),
            message: e.to_string(),
        })?;
        let certified = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .unwrap_or_default();
        if public.as_bytes() != certified.as_slice() {
            return Err(KeyError::Mismatch {
                key: files.key.clone(),
                cert: cert_file,
            });
        }
        let signer = Signer {
            key,
            cert,
            chain,
            cert_file,
            at: 0,
            tsa: None,
            ltv: None,
        };
        if !signer.may_sign() {
            return Err(KeyError::NotForSigning {
                file: signer.cert_file.clone(),
                name: signer.name(),
            });
        }
        signer.signing_at(signing_time())
    }

    /// The signer, signing at `unix` seconds instead, which its certificate
    /// must be valid at.
    pub fn signing_at(mut self, unix: i64) -> Result<Self, KeyError> {
        self.at = unix;
        self.check_valid_at(unix)?;
        Ok(self)
    }

    /// When it signs, in Unix seconds.
    pub fn at(&self) -> i64 {
        self.at
    }

    /// The signer, having each of its signatures time-stamped by `tsa`
    /// (PAdES B-T).
    pub fn with_tsa(mut self, tsa: super::tsa::Tsa) -> Self {
        self.tsa = Some(tsa);
        self
    }

    /// The time-stamping authority of its signatures, if any.
    pub fn tsa(&self) -> Option<&super::tsa::Tsa> {
        self.tsa.as_ref()
    }

    /// The signer, embedding after each of its signatures the validation
    /// data of every signature of the file, from `ltv` (PAdES B-LT, with a
    /// time-stamping authority).
    pub fn with_ltv(mut self, ltv: super::revocation::Ltv) -> Self {
        self.ltv = Some(ltv);
        self
    }

    /// Where its validation data comes from, when it embeds it.
    pub fn ltv(&self) -> Option<&super::revocation::Ltv> {
        self.ltv.as_ref()
    }

    /// The signer's name, as its certificate gives it (the common name).
    pub fn name(&self) -> String {
        name_of(&self.cert)
    }

    /// The SHA-256 of the signer's certificate and the chain above it
    /// (DER, one after the other), which names the signing identity in a
    /// bundle's manifest.
    pub fn fingerprint(&self) -> String {
        let mut der = Vec::new();
        for cert in std::iter::once(&self.cert).chain(&self.chain) {
            der.extend(cert.to_der().unwrap_or_default());
        }
        crate::base::digest::sha256_hex(&der)
    }

    /// Whether the certificate is valid at `unix` seconds; an error naming
    /// its period otherwise.
    fn check_valid_at(&self, unix: i64) -> Result<(), KeyError> {
        let validity = &self.cert.tbs_certificate.validity;
        let from = validity.not_before.to_unix_duration().as_secs() as i64;
        let to = validity.not_after.to_unix_duration().as_secs() as i64;
        if (from..=to).contains(&unix) {
            Ok(())
        } else {
            Err(KeyError::NotValid {
                file: self.cert_file.clone(),
                name: self.name(),
                from: validity.not_before.to_string(),
                to: validity.not_after.to_string(),
                when: chrono::DateTime::from_timestamp(unix, 0).map_or_else(
                    || unix.to_string(),
                    |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                ),
            })
        }
    }

    /// Whether the certificate's key usage, when it states one, allows
    /// signing documents.
    fn may_sign(&self) -> bool {
        let extensions = self
            .cert
            .tbs_certificate
            .extensions
            .as_deref()
            .unwrap_or(&[]);
        extensions
            .iter()
            .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_KEY_USAGE)
            .and_then(|e| KeyUsage::from_der(e.extn_value.as_bytes()).ok())
            .is_none_or(|usage| usage.digital_signature() || usage.non_repudiation())
    }
}

fn read(file: &Path) -> Result<Vec<u8>, KeyError> {
    std::fs::read(file).map_err(|e| KeyError::Read {
        file: file.to_path_buf(),
        message: e.to_string(),
    })
}

/// The certificates in a PEM or DER file, in order.
pub(super) fn certificates(file: &Path) -> Result<Vec<Certificate>, KeyError> {
    let bytes = read(file)?;
    let invalid = |message: String| KeyError::Invalid {
        file: file.to_path_buf(),
        message,
    };
    if bytes.starts_with(b"-----") || bytes.iter().take(64).all(u8::is_ascii) {
        let certs = Certificate::load_pem_chain(&bytes)
            .map_err(|e| invalid(format!("not a PEM certificate: {e}")))?;
        if certs.is_empty() {
            return Err(invalid("holds no certificate".into()));
        }
        Ok(certs)
    } else {
        Certificate::from_der(&bytes)
            .map(|c| vec![c])
            .map_err(|e| invalid(format!("not a DER certificate: {e}")))
    }
}

/// The PKCS#8 DER of a PEM private key: PKCS#8 (decrypted with `password`
/// when it is encrypted), SEC1 (`EC PRIVATE KEY`, as `openssl ecparam
/// -genkey` writes it) or PKCS#1 (`RSA PRIVATE KEY`).
fn pem_key(file: &Path, bytes: &[u8], password: Option<&str>) -> Result<Vec<u8>, KeyError> {
    use pkcs8::EncodePrivateKey;
    use rsa::pkcs1::DecodeRsaPrivateKey;
    let invalid = |message: String| KeyError::Invalid {
        file: file.to_path_buf(),
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| invalid("not a PEM file".into()))?;
    if text.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(invalid(
            "a key encrypted the legacy OpenSSL way, which dossier does not read: convert it with `openssl pkcs8 -topk8 -in KEY -out KEY.pk8.pem` (it asks for the old password and a new one)".into(),
        ));
    }
    // `openssl ecparam -genkey` writes the curve's parameters first.
    let block = private_key_block(text).unwrap_or(text);
    let (label, doc) = pkcs8::SecretDocument::from_pem(block)
        .map_err(|e| invalid(format!("not a PEM private key: {e}")))?;
    let pkcs8 = |der: Result<pkcs8::SecretDocument, pkcs8::Error>| {
        der.map(|d| d.as_bytes().to_vec())
            .map_err(|e| invalid(e.to_string()))
    };
    match label {
        "PRIVATE KEY" => Ok(doc.as_bytes().to_vec()),
        "EC PRIVATE KEY" => {
            let secret = p256::SecretKey::from_sec1_der(doc.as_bytes()).map_err(|_| {
                invalid(
                    "an EC key on a curve other than P-256; dossier signs with ECDSA P-256 or RSA"
                        .into(),
                )
            })?;
            pkcs8(secret.to_pkcs8_der())
        }
        "RSA PRIVATE KEY" => {
            let rsa = rsa::RsaPrivateKey::from_pkcs1_der(doc.as_bytes())
                .map_err(|e| invalid(format!("not an RSA key: {e}")))?;
            pkcs8(rsa.to_pkcs8_der())
        }
        "ENCRYPTED PRIVATE KEY" => {
            let encrypted = pkcs8::EncryptedPrivateKeyInfo::try_from(doc.as_bytes())
                .map_err(|e| invalid(e.to_string()))?;
            let password = password.ok_or_else(|| KeyError::PasswordNeeded {
                file: file.to_path_buf(),
            })?;
            encrypted
                .decrypt(password)
                .map(|d| d.as_bytes().to_vec())
                .map_err(|_| KeyError::Password {
                    file: file.to_path_buf(),
                })
        }
        other => Err(invalid(format!(
            "a `{other}` PEM block, not a private key dossier reads (PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`)"
        ))),
    }
}

/// The first PEM block of `text` whose label names a private key.
fn private_key_block(text: &str) -> Option<&str> {
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = &rest[start..];
        let label = &block["-----BEGIN ".len()..];
        let label = &label[..label.find("-----")?];
        let end = format!("-----END {label}-----");
        let stop = block.find(&end)? + end.len();
        if label.ends_with("PRIVATE KEY") {
            return Some(&block[..stop]);
        }
        rest = &block[stop..];
    }
    None
}

/// The signing key a PKCS#8 DER holds: P-256 or RSA.
fn key_of(file: &Path, der: &[u8]) -> Result<Key, KeyError> {
    if let Ok(secret) = p256::SecretKey::from_pkcs8_der(der) {
        return Ok(Key::P256(p256::ecdsa::SigningKey::from(&secret)));
    }
    if let Ok(rsa) = rsa::RsaPrivateKey::from_pkcs8_der(der) {
        return Ok(Key::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(rsa))));
    }
    Err(KeyError::Invalid {
        file: file.to_path_buf(),
        message: "the private key is neither ECDSA P-256 nor RSA".into(),
    })
}
/// The key and certificates of a PKCS#12 file, opened with `password`.
fn pkcs12_key(
    file: &Path,
    bytes: &[u8],
    password: Option<&str>,
) -> Result<(Vec<u8>, Vec<Certificate>), KeyError> {
    let store =
        p12_keystore::KeyStore::from_pkcs12(bytes, password.unwrap_or("")).map_err(|e| {
            let message = e.to_string();
            let file = file.to_path_buf();
            if password.is_none() {
                // Not readable without a password: it has one.
                KeyError::PasswordNeeded { file }
            } else if message.to_lowercase().contains("mac") {
                KeyError::Password { file }
            } else {
                KeyError::Invalid {
                    file,
                    message: format!("not a PKCS#12 file dossier can read: {message}"),
                }
            }
        })?;
    let (_, chain) = store.private_key_chain().ok_or_else(|| KeyError::Invalid {
        file: file.to_path_buf(),
        message: "the PKCS#12 file holds no private key".into(),
    })?;
    let certs = chain
        .chain()
        .iter()
        .map(|c| {
            Certificate::from_der(c.as_der()).map_err(|e| KeyError::Invalid {
                file: file.to_path_buf(),
                message: format!("a certificate in it cannot be read: {e}"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((chain.key().to_vec(), certs))
}

/// The time to sign at, in Unix seconds: now, or `SOURCE_DATE_EPOCH` when it
/// is set to a time not later than now (a reproducible build's fixed time);
/// never a time after the signature is made.
pub fn signing_time() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(now, |fixed| fixed.min(now))
}
