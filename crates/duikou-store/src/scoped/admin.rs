//! What administrators write: accounts, step templates, notification channels and the
//! reference data (regions, orgs, partnerships).

use super::Scoped;

use duikou_core::auth::Grant;

use crate::accounts::{Account, OnUser, UserChange};
use crate::{Channel, StoreError};
use duikou_core::notify::ChannelFields;
use duikou_core::org::{Org, OrgAction, OrgInput, OrgUses};
use duikou_core::partnership::{Partnership, PartnershipInput};
use duikou_core::region::{Region, RegionInput};

impl Scoped<'_> {
    /// Creates a user; the generated first password when none was given.
    pub async fn create_user(
        &self,
        new: &crate::accounts::NewUser,
    ) -> Result<(crate::accounts::User, Option<String>), StoreError> {
        // Rights before the fields, and before the cost of hashing (the path checks again).
        self.require_admin()?;
        crate::accounts::check_new_user(new)?;
        let (password, generated) = match &new.password {
            Some(p) => (p.clone(), None),
            None => {
                let p = crate::accounts::random_password();
                (p.clone(), Some(p))
            }
        };
        let account = crate::accounts::NewAccount {
            new: new.clone(),
            hash: crate::accounts::hash_password(&password)?,
            generated: generated.is_some(),
        };
        let after = self
            .store
            .create::<Account>(&self.access, (), &account)
            .await?;
        Ok((after.user, generated))
    }

    /// Disables (or enables) a user; disabling ends their sessions.
    pub async fn set_user_disabled(
        &self,
        login: &str,
        disabled: bool,
    ) -> Result<crate::accounts::User, StoreError> {
        let name = if disabled { "disable" } else { "enable" };
        self.on_user(login, OnUser(name, UserChange::Disabled(disabled)))
            .await
    }

    /// Adds a grant to a user (its scope must exist).
    pub async fn grant(&self, login: &str, g: &Grant) -> Result<crate::accounts::User, StoreError> {
        self.on_user(login, OnUser("grant", UserChange::Grant(g.clone())))
            .await
    }

    /// Removes a grant from a user.
    pub async fn revoke(
        &self,
        login: &str,
        g: &Grant,
    ) -> Result<crate::accounts::User, StoreError> {
        self.on_user(login, OnUser("revoke", UserChange::Revoke(g.clone())))
            .await
    }

    /// Gives a user a generated password to be changed at the next login and returns it. The
    /// account is presumed compromised: every session ends and every token is revoked.
    pub async fn reset_password(&self, login: &str) -> Result<String, StoreError> {
        self.require_admin()?;
        let p = crate::accounts::random_password();
        let hash = crate::accounts::hash_password(&p)?;
        self.on_user(login, OnUser("reset_password", UserChange::Reset { hash }))
            .await?;
        Ok(p)
    }

    async fn on_user(
        &self,
        login: &str,
        action: OnUser,
    ) -> Result<crate::accounts::User, StoreError> {
        let after = self
            .store
            .act::<Account, _>(&self.access, (), login.to_owned(), None, &action)
            .await?;
        Ok(after.user)
    }

    /// Stores `t` as the next version of its key; the template with that version.
    pub async fn save_template(
        &self,
        t: &duikou_core::steps::Template,
    ) -> Result<duikou_core::steps::Template, StoreError> {
        let saved = self
            .store
            .create::<crate::templates::Saved>(&self.access, (), t)
            .await?;
        Ok(saved.0)
    }

    pub async fn channels(&self) -> Result<Vec<Channel>, StoreError> {
        self.require_admin()?;
        self.store.channels().await
    }

    pub async fn channel(&self, id: i64) -> Result<Channel, StoreError> {
        self.require_admin()?;
        self.store.channel(id).await
    }

    pub async fn create_channel(&self, f: &ChannelFields) -> Result<Channel, StoreError> {
        self.store.create(&self.access, (), f).await
    }

    pub async fn update_channel(
        &self,
        id: i64,
        version: Option<i64>,
        f: &ChannelFields,
    ) -> Result<Channel, StoreError> {
        self.store.update(&self.access, (), id, version, f).await
    }

    pub async fn delete_channel(&self, id: i64, version: Option<i64>) -> Result<(), StoreError> {
        self.store
            .delete::<Channel>(&self.access, (), id, version)
            .await
            .map(drop)
    }

    pub async fn create_region(&self, input: &RegionInput) -> Result<Region, StoreError> {
        self.store.create(&self.access, (), input).await
    }

    pub async fn update_region(
        &self,
        code: &str,
        version: Option<i64>,
        input: &RegionInput,
    ) -> Result<Region, StoreError> {
        self.store
            .update(&self.access, (), code.to_owned(), version, input)
            .await
    }

    pub async fn delete_region(&self, code: &str, version: Option<i64>) -> Result<(), StoreError> {
        self.store
            .delete::<Region>(&self.access, (), code.to_owned(), version)
            .await
            .map(drop)
    }

    pub async fn create_org(&self, input: &OrgInput) -> Result<Org, StoreError> {
        self.store.create(&self.access, (), input).await
    }

    pub async fn update_org(
        &self,
        id: i64,
        version: Option<i64>,
        input: &OrgInput,
    ) -> Result<Org, StoreError> {
        let change = crate::orgs::OrgChange::Fields(input.clone());
        self.store
            .update(&self.access, (), id, version, &change)
            .await
    }

    pub async fn delete_org(&self, id: i64, version: Option<i64>) -> Result<(), StoreError> {
        self.store
            .delete::<Org>(&self.access, (), id, version)
            .await
            .map(drop)
    }

    /// 停用, 启用 or 合并 unit `id` (at `version`, when given); the unit after.
    pub async fn act_org(
        &self,
        id: i64,
        version: Option<i64>,
        action: OrgAction,
    ) -> Result<Org, StoreError> {
        self.store
            .act::<Org, _>(&self.access, (), id, version, &action)
            .await
    }

    /// 审计日志: the change log, newest first (administrators only).
    pub async fn audit_log(
        &self,
        f: &crate::AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<crate::Page<crate::ChangeEntry>, StoreError> {
        self.require_admin()?;
        self.store.audit_log(f, limit, offset).await
    }

    /// The verdict `duikou audit verify` gives of the chain (administrators only).
    pub async fn verify_audit(&self) -> Result<crate::AuditReport, StoreError> {
        self.require_admin()?;
        self.store.verify_audit().await
    }

    /// What a merge of `merged` into `kept` would move (administrators only).
    pub async fn org_uses(&self, merged: i64, kept: i64) -> Result<OrgUses, StoreError> {
        self.require_admin()?;
        self.store.org_uses(merged, kept).await
    }

    pub async fn create_partnership(
        &self,
        input: &PartnershipInput,
    ) -> Result<Partnership, StoreError> {
        self.store.create(&self.access, (), input).await
    }

    pub async fn update_partnership(
        &self,
        id: i64,
        version: Option<i64>,
        input: &PartnershipInput,
    ) -> Result<Partnership, StoreError> {
        self.store
            .update(&self.access, (), id, version, input)
            .await
    }

    pub async fn delete_partnership(
        &self,
        id: i64,
        version: Option<i64>,
    ) -> Result<(), StoreError> {
        self.store
            .delete::<Partnership>(&self.access, (), id, version)
            .await
            .map(drop)
    }
}
