//! 我的令牌: the user's API tokens; a new token's secret is shown once.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect};
use chrono::{DateTime, Utc};
use duikou_core::FieldError;
use duikou_store::accounts::{ApiToken, NewToken};

use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::page::{html, CsrfForm, Page, PageResult, PageUser, Section};
use crate::AppState;

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub state: &'static str,
    pub active: bool,
}

#[derive(askama::Template)]
#[template(path = "session/tokens.html")]
struct TokensPage {
    page: Page,
    rows: Vec<TokenRow>,
    form: FormState,
    secret: Option<String>,
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(crate::shared::fmt::time)
        .unwrap_or_else(|| "—".to_owned())
}

fn row(lang: Lang, t: &ApiToken, now: DateTime<Utc>) -> TokenRow {
    let expired = t.expires_at.is_some_and(|e| e <= now);
    let (state, active) = if t.revoked {
        ("tokens.revoked", false)
    } else if expired {
        ("tokens.expired", false)
    } else {
        ("tokens.active", true)
    };
    TokenRow {
        id: t.id,
        name: lang.data(&t.name).into_owned(),
        prefix: t.prefix.clone(),
        created: when(Some(t.created_at)),
        expires: when(t.expires_at),
        last_used: when(t.last_used_at),
        state: lang.t(state),
        active,
    }
}

async fn render(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    form: FormState,
    secret: Option<String>,
) -> PageResult {
    let now = Utc::now();
    let rows = s
        .store
        .tokens(u.user.id)
        .await?
        .iter()
        .map(|t| row(lang, t, now))
        .collect();
    let page = Page::build(
        s,
        u,
        lang,
        Section::Account,
        lang.t("tokens.title").into(),
        uri,
    )
    .await;
    let failed = form.failed;
    let r = html(&TokensPage {
        page,
        rows,
        form,
        secret,
    })?;
    Ok(if failed {
        (StatusCode::UNPROCESSABLE_ENTITY, r).into_response()
    } else {
        r
    })
}

pub async fn list(State(s): State<AppState>, u: PageUser, lang: Lang, uri: Uri) -> PageResult {
    let mut form = FormState::default();
    form.set("expires_in_days", "90");
    render(&s, &u, lang, &uri, form, None).await
}

const FIELDS: [&str; 2] = ["name", "expires_in_days"];

pub async fn create(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let mut form = FormState::from_data(&data);
    let expires_in_days = match data.get("expires_in_days") {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = FieldError::new("expires_in_days", "number", lang.t("err.number"));
                form.add(&FIELDS, lang, &e);
                return render(&s, &u, lang, &uri, form, None).await;
            }
        },
    };
    let new = NewToken {
        parent: None,
        name: data.get("name").to_owned(),
        expires_in_days,
        grants: None,
    };
    match s.store.create_token(&u.user, &new, Utc::now()).await {
        Ok((_, secret)) => {
            let mut fresh = FormState::default();
            fresh.set("expires_in_days", "90");
            render(&s, &u, lang, &uri, fresh, Some(secret)).await
        }
        Err(e) => {
            form.store_error(&FIELDS, lang, e)?;
            render(&s, &u, lang, &uri, form, None).await
        }
    }
}

pub async fn revoke(
    State(s): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    _: CsrfForm,
) -> PageResult {
    s.store.revoke_token(&u.user, id, Utc::now()).await?;
    Ok(Redirect::to("/me/tokens").into_response())
}
