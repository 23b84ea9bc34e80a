//! The forms of 预警中心, 督办 and 系统管理 over plain HTTP: who is offered which button, and
//! that a forged post without the session's CSRF token is refused and changes nothing.

use duikou_core::auth::{Access, Grant, Role, Scope};
use duikou_core::money::Money;
use duikou_core::org::{OrgInput, OrgKind};
use duikou_core::problem::{ProblemCategory, ProblemFields, ProblemStatus};
use duikou_core::project::{Category, ProjectFields};
use duikou_core::region::{RegionInput, RegionKind};
use duikou_core::{Actor, Stage};
use duikou_store::accounts::NewUser;
use duikou_store::{NewProject, SlipFilter, Store, WarningFilter, WarningStatus};
use reqwest::StatusCode;

use super::{start_with, App, PASSWORD};

/// 沈阳 with a project whose problem is overdue (a red warning, and the slip it opens), and
/// the users `viewer` (reads all), `editor` (edits Shenyang) and `admin`.
pub(super) async fn troubled(store: &Store) -> i64 {
    let system = Actor::system("ui-tests");
    for (code, name, kind, parent) in [
        ("210000", "辽宁省", RegionKind::Province, None),
        ("210100", "沈阳市", RegionKind::City, Some("210000")),
        ("210112", "浑南区", RegionKind::District, Some("210100")),
    ] {
        let input = RegionInput {
            code: code.into(),
            name: name.into(),
            kind,
            parent_code: parent.map(str::to_owned),
        };
        store
            .as_system(&system.name)
            .create_region(&input)
            .await
            .unwrap();
    }
    let org = store
        .as_system(&system.name)
        .create_org(&OrgInput {
            name: "浑南区发展和改革局".into(),
            kind: OrgKind::Department,
            region_code: "210112".into(),
            parent_id: None,
        })
        .await
        .unwrap();
    for (login, role, scope) in [
        ("viewer", Role::Viewer, Scope::All),
        (
            "editor",
            Role::Editor,
            Scope::Region {
                region_code: "210100".into(),
            },
        ),
        ("admin", Role::Admin, Scope::All),
    ] {
        let new = NewUser {
            login: login.into(),
            display_name: login.into(),
            org_id: Some(org.id),
            password: Some(PASSWORD.into()),
        };
        store
            .as_system(&system.name)
            .create_user(&new)
            .await
            .unwrap();
        store
            .as_system(&system.name)
            .grant(login, &Grant { role, scope })
            .await
            .unwrap();
    }
    let access = Access::system("ui-tests");
    let scoped = store.scoped(&access);
    let fields = ProjectFields {
        code: None,
        external_ids: Default::default(),
        name: "浑南新材料产业园".into(),
        partnership_id: None,
        source_region_code: None,
        source_org_id: None,
        investor: None,
        host_region_code: "210112".into(),
        owner_org_id: Some(org.id),
        category: Category::Investment,
        industry: None,
        planned_start: None,
        planned_production: None,
        currency: Default::default(),
        planned_investment: Some(Money::from_yuan(1_200_000_000)),
        agreement_amount: None,
        leader: None,
        service_officer: None,
        task_force: None,
        land_area_mu: None,
        address: None,
        note: None,
        generated: false,
        construction: None,
    };
    let today = store.today();
    let p = scoped
        .create_project(&NewProject {
            fields,
            stage: Stage::Signed,
            stage_since: today - chrono::Duration::days(20),
        })
        .await
        .unwrap();
    let problem = ProblemFields {
        category: ProblemCategory::Land,
        description: "用地指标未落实".into(),
        owner_org_id: Some(org.id),
        due_date: Some(today - chrono::Duration::days(10)),
        status: ProblemStatus::Open,
        resolution: None,
        resolved_on: None,
        progress: None,
    };
    scoped.create_problem(p.id, &problem).await.unwrap();
    p.id
}

async fn the_warning(store: &Store) -> duikou_store::Warning {
    let access = Access::system("check");
    let page = store
        .scoped(&access)
        .warnings(&WarningFilter::default(), 10, 0)
        .await
        .unwrap();
    assert_eq!(page.total, 1, "one warning: {:?}", page.items);
    page.items.into_iter().next().unwrap()
}

#[tokio::test]
async fn a_viewer_reads_the_inbox_and_the_warning_but_gets_no_buttons() {
    let (app, store) = start_with().await;
    let project = troubled(&store).await;
    let w = the_warning(&store).await;
    let cookie = app.login_as("viewer").await;
    let (status, inbox) = app.page(&cookie, "/warnings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        inbox.contains("● 红色预警"),
        "the level reads with its icon"
    );
    assert!(inbox.contains("问题办理期限"), "the rule is named");
    assert!(inbox.contains(&format!("href=\"/projects/{project}\"")));
    let (status, page) = app.page(&cookie, &format!("/warnings/{}", w.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("用地指标未落实"), "the reason is shown");
    assert_eq!(w.thresholds_version, "default-2026");
    assert!(
        page.contains("系统默认（2026）") && !page.contains("default-2026"),
        "the thresholds' version reads in words"
    );
    for form in ["acknowledge-form", "resolve-form", "slip-form"] {
        assert!(!page.contains(form), "{form} is not offered to a viewer");
    }
    // Posting anyway, with the viewer's own token, is refused and changes nothing.
    let token = csrf_of(&page);
    let r = app
        .post(
            &cookie,
            &format!("/warnings/{}/acknowledge", w.id),
            &[("note", "已知悉"), ("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(r, StatusCode::FORBIDDEN);
    assert_eq!(the_warning(&store).await.status, WarningStatus::Open);
}

#[tokio::test]
async fn an_editor_acknowledges_with_a_note_and_a_forged_post_is_refused() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let w = the_warning(&store).await;
    let cookie = app.login_as("editor").await;
    let path = format!("/warnings/{}", w.id);
    let (_, page) = app.page(&cookie, &path).await;
    assert!(page.contains("acknowledge-form") && page.contains("resolve-form"));
    assert!(!page.contains("slip-form"), "an editor does not supervise");
    let acknowledge = format!("{path}/acknowledge");
    // Without the token: refused.
    let forged = app.post(&cookie, &acknowledge, &[("note", "已知悉")]).await;
    assert_eq!(forged, StatusCode::FORBIDDEN);
    assert_eq!(the_warning(&store).await.status, WarningStatus::Open);
    // Without a note: the form again, the error under the field.
    let token = csrf_of(&page);
    let (status, body) = app
        .post_page(
            &cookie,
            &acknowledge,
            &[("note", "  "), ("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(r#"id="ack-note" name="note" aria-invalid="true""#),
        "{body}"
    );
    assert!(body.contains("请填写处理说明"));
    // With both.
    let done = app
        .post(
            &cookie,
            &acknowledge,
            &[("note", "已协调自然资源局"), ("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(done, StatusCode::SEE_OTHER);
    let after = the_warning(&store).await;
    assert_eq!(after.status, WarningStatus::Acknowledged);
    assert_eq!(after.note.as_deref(), Some("已协调自然资源局"));
}

#[tokio::test]
async fn the_new_forms_refuse_a_post_without_the_csrf_token() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let w = the_warning(&store).await;
    let access = Access::system("check");
    let slips = store
        .scoped(&access)
        .slips(&SlipFilter::default(), 10, 0)
        .await
        .unwrap();
    assert_eq!(slips.total, 1, "the red warning opened a slip");
    let slip = &slips.items[0];
    let cookie = app.login_as("admin").await;
    for (path, form) in [
        (
            format!("/warnings/{}/resolve", w.id),
            vec![("note", "处理完毕")],
        ),
        (
            format!("/warnings/{}/slip", w.id),
            vec![("requirement", "请报送方案"), ("reply_due", "2099-01-01")],
        ),
        (
            format!("/slips/{}/act", slip.id),
            vec![
                ("action", "request_extension"),
                ("new_due", "2099-01-01"),
                ("reason", "等待审批"),
            ],
        ),
        (
            "/admin/channels".to_owned(),
            vec![
                ("kind", "dingtalk"),
                ("name", "项目办"),
                ("target", "https://oapi.example/robot"),
                ("min_level", "yellow"),
            ],
        ),
        (
            "/admin/thresholds".to_owned(),
            vec![("version", "forged"), ("year", "2026")],
        ),
    ] {
        let status = app.post(&cookie, &path, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(the_warning(&store).await.status, WarningStatus::Open);
    let (after, _) = store.scoped(&access).slip(slip.id).await.unwrap();
    assert!(after.extension.is_none(), "no extension was requested");
    assert!(store.scoped(&access).channels().await.unwrap().is_empty());
    assert!(store
        .scoped(&access)
        .threshold_sets()
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn the_new_pages_answer_and_admin_pages_are_for_admins() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let w = the_warning(&store).await;
    let admin = app.login_as("admin").await;
    for path in [
        "/warnings".to_owned(),
        "/warnings?level=red&status=all".to_owned(),
        format!("/warnings/{}", w.id),
        "/slips".to_owned(),
        "/slips?status=open".to_owned(),
        "/admin/channels".to_owned(),
        "/admin/thresholds".to_owned(),
        "/".to_owned(),
        "/dashboard/screen".to_owned(),
    ] {
        let (status, html) = app.page(&admin, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains("style=\""), "{path} has an inline style");
        assert!(!html.contains("<script>"), "{path} has an inline script");
    }
    let (_, dash) = app.page(&admin, "/").await;
    assert!(
        dash.contains("href=\"/warnings?level=red\""),
        "the count links to the inbox"
    );
    let (_, screen) = app.page(&admin, "/dashboard/screen").await;
    assert!(
        screen.contains("id=\"red-list\""),
        "the 大屏 shows the red list"
    );
    let (_, hant) = app.page(&admin, "/warnings?lang=zh-Hant").await;
    assert!(hant.contains("● 紅色預警") && hant.contains("渾南新材料產業園"));
    let (_, en) = app.page(&admin, "/warnings?lang=en").await;
    assert!(en.contains("● Red warning") && en.contains("Problem past its deadline"));
    let viewer = app.login_as("viewer").await;
    let (status, _) = app.page(&viewer, "/admin/channels").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.page(&viewer, "/admin/thresholds").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The CSRF token of a page's forms.
pub(super) fn csrf_of(page: &str) -> String {
    page.split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

impl App {
    pub(super) async fn page(&self, cookie: &str, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    pub(super) async fn post(&self, cookie: &str, path: &str, form: &[(&str, &str)]) -> StatusCode {
        self.post_page(cookie, path, form).await.0
    }

    pub(super) async fn post_page(
        &self,
        cookie: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

#[tokio::test]
async fn a_slip_runs_from_plan_to_closing_through_the_forms_of_each_party() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let access = Access::system("check");
    let slip_of = || async {
        let page = store
            .scoped(&access)
            .slips(&SlipFilter::default(), 10, 0)
            .await
            .unwrap();
        page.items.into_iter().next().unwrap()
    };
    let id = slip_of().await.id;
    let path = format!("/slips/{id}");
    let act = format!("{path}/act");
    let editor = app.login_as("editor").await;
    let admin = app.login_as("admin").await;
    let viewer = app.login_as("viewer").await;

    // The viewer reads the slip and gets no form.
    let (status, page) = app.page(&viewer, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("read-only") && !page.contains("reply-form"));

    // The owner is offered the plan form, not the supervisor's review.
    let (_, page) = app.page(&editor, &path).await;
    assert!(page.contains("reply-form") && !page.contains("review-form"));
    let token = csrf_of(&page);
    let version = |page: &str| {
        page.split(r#"name="version" value=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned()
    };
    let v = version(&page);
    // "增加一行" shows one more row and keeps what was typed.
    let (status, more) = app
        .post_page(
            &editor,
            &act,
            &[
                ("csrf_token", token.as_str()),
                ("version", v.as_str()),
                ("action", "more_rows"),
                ("plan[2].action", "协调用地指标"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(more.contains(r#"name="plan[3].action""#), "a fourth row");
    assert!(more.contains(r#"value="协调用地指标""#));
    // A measure due in the past is refused under its own row (the blank row 0 is skipped).
    let (status, refused) = app
        .post_page(
            &editor,
            &act,
            &[
                ("csrf_token", token.as_str()),
                ("version", v.as_str()),
                ("action", "reply"),
                ("plan[1].action", "协调用地指标"),
                ("plan[1].due", "2000-01-01"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains(
            r#"id="plan-2-due" name="plan[1].due" type="date" value="2000-01-01" aria-label="#
        ) && refused.contains("早于今天"),
        "{refused}"
    );
    let due = (store.today() + chrono::Duration::days(10)).to_string();
    let status = app
        .post(
            &editor,
            &act,
            &[
                ("csrf_token", token.as_str()),
                ("version", v.as_str()),
                ("action", "reply"),
                ("plan[1].action", "协调用地指标"),
                ("plan[1].due", due.as_str()),
                ("note", "专班研究"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        slip_of().await.status,
        duikou_core::slip::SlipStatus::Replied
    );

    // The owner cannot accept their own plan; the supervisor can.
    let (_, page) = app.page(&editor, &path).await;
    assert!(!page.contains("review-form"));
    let v = version(&page);
    let status = app
        .post(
            &editor,
            &act,
            &[
                ("csrf_token", token.as_str()),
                ("version", v.as_str()),
                ("action", "accept"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page) = app.page(&admin, &path).await;
    assert!(page.contains("review-form"));
    let admin_token = csrf_of(&page);
    // Returning needs a reason, said under the field.
    let (status, body) = app
        .post_page(
            &admin,
            &act,
            &[
                ("csrf_token", admin_token.as_str()),
                ("version", v.as_str()),
                ("action", "return"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(r#"id="rv-note" name="note" aria-invalid="true""#));
    let status = app
        .post(
            &admin,
            &act,
            &[
                ("csrf_token", admin_token.as_str()),
                ("version", v.as_str()),
                ("action", "accept"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The owner reports the measure done; the supervisor closes (销号).
    let (_, page) = app.page(&editor, &path).await;
    assert!(page.contains("progress-form"));
    let v = version(&page);
    let today = store.today().to_string();
    let status = app
        .post(
            &editor,
            &act,
            &[
                ("csrf_token", token.as_str()),
                ("version", v.as_str()),
                ("action", "progress"),
                ("item", "0"),
                ("done_on", today.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.page(&admin, &path).await;
    assert!(page.contains("close-form"));
    let v = version(&page);
    let status = app
        .post(
            &admin,
            &act,
            &[
                ("csrf_token", admin_token.as_str()),
                ("version", v.as_str()),
                ("action", "close"),
                ("note", "整改到位，同意销号"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let closed = slip_of().await;
    assert_eq!(closed.status, duikou_core::slip::SlipStatus::Closed);
    let (_, page) = app.page(&admin, &path).await;
    assert!(
        page.contains("整改到位，同意销号"),
        "the history keeps the note"
    );
    for form in [
        "reply-form",
        "review-form",
        "progress-form",
        "close-form",
        "extension-form",
    ] {
        assert!(!page.contains(form), "{form} on a closed slip");
    }
}

#[tokio::test]
async fn an_admin_manages_channels_without_seeing_secrets_and_saves_thresholds() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let access = Access::system("check");
    let admin = app.login_as("admin").await;
    let (_, page) = app.page(&admin, "/admin/channels").await;
    let token = csrf_of(&page);
    // A webhook with a short secret: refused under the secret, the secret not echoed.
    let (status, body) = app
        .post_page(
            &admin,
            "/admin/channels",
            &[
                ("csrf_token", token.as_str()),
                ("kind", "webhook"),
                ("name", "项目办"),
                ("target", "https://hooks.example/duikou"),
                ("secret", "short-secret"),
                ("min_level", "red"),
                ("enabled", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(r#"id="ch-secret" name="secret" type="password" autocomplete="new-password" value="" aria-invalid="true""#), "{body}");
    assert!(!body.contains("short-secret"));
    assert!(body.contains(r#"value="项目办""#), "what was typed stays");
    let secret = "0123456789abcdef-secret";
    let status = app
        .post(
            &admin,
            "/admin/channels",
            &[
                ("csrf_token", token.as_str()),
                ("kind", "webhook"),
                ("name", "项目办"),
                ("target", "https://hooks.example/duikou"),
                ("secret", secret),
                ("min_level", "red"),
                ("enabled", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = store.scoped(&access).channels().await.unwrap().remove(0);
    let (_, list) = app.page(&admin, "/admin/channels").await;
    assert!(list.contains("项目办") && !list.contains(secret));
    let (_, edit) = app.page(&admin, &format!("/admin/channels/{}", c.id)).await;
    assert!(
        !edit.contains(secret),
        "the edit form never shows the secret"
    );
    // Saved with the secret left empty: renamed, the secret kept.
    let v = c.version.to_string();
    let status = app
        .post(
            &admin,
            &format!("/admin/channels/{}", c.id),
            &[
                ("csrf_token", token.as_str()),
                ("version", v.as_str()),
                ("kind", "webhook"),
                ("name", "项目办（红色）"),
                ("target", "https://hooks.example/duikou"),
                ("secret", ""),
                ("min_level", "red"),
                ("enabled", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let after = store.scoped(&access).channel(c.id).await.unwrap();
    assert_eq!(after.name, "项目办（红色）");
    assert_eq!(after.secret.as_deref(), Some(secret));
    let v = after.version.to_string();
    let status = app
        .post(
            &admin,
            &format!("/admin/channels/{}/delete", c.id),
            &[("csrf_token", token.as_str()), ("version", v.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(store.scoped(&access).channels().await.unwrap().is_empty());

    // Thresholds: red before yellow is refused under the field; a good set is saved.
    let mut form: Vec<(&str, String)> = vec![
        ("csrf_token", token.clone()),
        ("version", "2026-修订1".into()),
        ("year", "2026".into()),
        ("committed_share_percent", "80".into()),
        ("committed_days_left", "2".into()),
        ("open_item_days_left", "2".into()),
        ("problem_due_within_days", "3".into()),
        ("stalled_days", "60".into()),
        ("stalled_red_days", "30".into()),
        ("behind_yellow_points", "10".into()),
        ("behind_red_points", "30".into()),
        ("start_red_months", "3".into()),
        ("slip_reply_days", "5".into()),
        ("slip_rule.problem_overdue", "on".into()),
    ];
    let send = |f: Vec<(&'static str, String)>| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_page(&admin, "/admin/thresholds", &refs).await
        }
    };
    let (status, body) = send(form.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(r#"id="th-stalled_red_days" name="stalled_red_days" type="number" value="30" aria-invalid="true""#),
        "{body}"
    );
    assert_eq!(form[8].0, "stalled_red_days");
    form[8].1 = "120".into();
    let (status, _) = send(form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let sets = store.scoped(&access).threshold_sets().await.unwrap();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].thresholds.stalled_red_days, 120);
    assert_eq!(
        sets[0].thresholds.slip_rules,
        vec![duikou_core::warnings::RuleId::ProblemOverdue]
    );
    let (_, page) = app.page(&admin, "/admin/thresholds").await;
    assert!(page.contains("2026-修订1"));
}
