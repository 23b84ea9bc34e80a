//! Accounts (用户): users of an org, their grants, passwords (argon2id), web sessions, API
//! tokens and login throttling. Secrets are kept only as hashes.

mod devices;
mod passwords;
mod secrets;
mod sessions;
mod throttle;
mod tokens;
mod users;
mod write;

pub use passwords::{Ended, PasswordChange};
pub use sessions::{Session, SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES};
pub use throttle::{LoginError, MAX_ACCOUNT_FAILURES, MAX_ADDRESS_FAILURES, MAX_PAIR_FAILURES};
pub use tokens::{ApiToken, NewToken, TokenBound, TokenHolder};
pub use users::{NewUser, User};

pub(crate) use secrets::{hash_password, random_password};
pub(crate) use users::check_new_user;
pub(crate) use write::{Account, NewAccount, OnUser, UserChange};
