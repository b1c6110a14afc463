//! argon2id with the crate's default parameters. Hashing is CPU-heavy (and takes 19 MiB
//! each), so it runs on the blocking pool, never stalls the async workers, and no more
//! hashes run at once than there are cores: a flood of logins waits its turn instead of
//! taking every blocking thread and the memory with it.

use super::NewPassword;
use crate::error::AppError;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::sync::OnceLock;
use tokio::sync::{Semaphore, SemaphorePermit};

/// As many hashes at once as there are cores.
fn turns() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// One permit per core for hashing and verifying.
async fn hashing_turn() -> Result<SemaphorePermit<'static>, AppError> {
    static TURNS: OnceLock<Semaphore> = OnceLock::new();
    TURNS
        .get_or_init(|| Semaphore::new(turns()))
        .acquire()
        .await
        .map_err(|e| AppError::internal("hashing turn", e))
}

/// A PHC-format argon2 hash. Deliberately neither `Serialize` nor `Display`.
#[derive(Clone)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash read back from the database.
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_stored(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

pub async fn hash_password(password: &NewPassword) -> Result<PasswordHash, AppError> {
    let password = password.expose().to_owned();
    let _turn = hashing_turn().await?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| AppError::internal("hash task", e))?
        .map(PasswordHash)
        .map_err(|e| AppError::internal("hash password", e))
}

/// Checks a password against a stored hash. With no hash (unknown user) it still does the
/// same work against a throw-away hash, so response time does not tell which users exist.
pub async fn verify_password(
    password: String,
    stored: Option<PasswordHash>,
) -> Result<bool, AppError> {
    let _turn = hashing_turn().await?;
    tokio::task::spawn_blocking(move || {
        static DUMMY: OnceLock<String> = OnceLock::new();
        let known = stored.is_some();
        let phc = match stored {
            Some(hash) => hash.0,
            None => DUMMY
                .get_or_init(|| hash_blocking("not a real password").unwrap_or_default())
                .clone(),
        };
        let parsed = argon2::PasswordHash::new(&phc)
            .map_err(|e| AppError::internal("stored password hash", e))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && ok)
    })
    .await
    .map_err(|e| AppError::internal("verify task", e))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_and_no_other() {
        let pw = NewPassword::parse("秘書處 2024 專用密碼".into()).unwrap();
        let hash = hash_password(&pw).await.unwrap();
        assert!(hash.as_stored().starts_with("$argon2id$"));
        assert!(verify_password(pw.expose().into(), Some(hash.clone()))
            .await
            .unwrap());
        assert!(!verify_password("wrong password".into(), Some(hash))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn no_more_hashes_run_at_once_than_there_are_cores() {
        // Every turn taken: a verification waits, however long, until one is given back.
        let mut taken = Vec::new();
        for _ in 0..turns() {
            taken.push(hashing_turn().await.unwrap());
        }
        let waiting = tokio::spawn(verify_password("any password at all".into(), None));
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(!waiting.is_finished(), "verified without a turn");
        taken.pop();
        let done = tokio::time::timeout(std::time::Duration::from_secs(10), waiting).await;
        assert!(!done
            .expect("verified once a turn was free")
            .unwrap()
            .unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify_password("not a real password".into(), None)
            .await
            .unwrap());
    }
}
