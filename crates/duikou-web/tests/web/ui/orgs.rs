//! 系统管理 · 单位 and 审计日志 over plain HTTP: an administrator creates, edits, disables,
//! enables and merges a unit (the project's owner unit moves, the histories say so), each
//! error beside its field; a viewer gets 403 on every page and form; a post without the CSRF
//! token is refused; the audit log lists, filters and verifies the chain.

use duikou_core::org::Org;
use duikou_store::Store;
use reqwest::StatusCode;

use super::start_with;
use super::warnings::{csrf_of, troubled};

async fn org_named(store: &Store, name: &str) -> Org {
    store
        .orgs(None)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no unit {name}"))
}

#[tokio::test]
async fn a_viewer_gets_403_on_every_page_and_form_and_a_forged_post_is_refused() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let org = org_named(&store, "浑南区发展和改革局").await;
    let viewer = app.login_as("viewer").await;
    let one = format!("/admin/orgs/{}", org.id);
    for path in [
        "/admin/orgs",
        one.as_str(),
        "/admin/audit",
        "/admin/audit?verify=1",
    ] {
        let (status, _) = app.page(&viewer, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (_, page) = app.page(&viewer, "/projects").await;
    let token = csrf_of(&page);
    let disable = format!("{one}/disable");
    let merge = format!("{one}/merge");
    for path in [
        "/admin/orgs",
        one.as_str(),
        disable.as_str(),
        merge.as_str(),
    ] {
        let form = [
            ("csrf_token", token.as_str()),
            ("name", "伪造"),
            ("kind", "office"),
            ("region_code", "210112"),
            ("version", "1"),
            ("into", "1"),
            ("confirm", "on"),
        ];
        assert_eq!(
            app.post(&viewer, path, &form).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // An administrator's post without the token is refused too.
    let admin = app.login_as("admin").await;
    assert_eq!(
        app.post(&admin, &disable, &[("version", "1")]).await,
        StatusCode::FORBIDDEN
    );
    let after = store.org(org.id).await.unwrap();
    assert!(!after.disabled && after.version == 1, "nothing written");
    assert_eq!(store.orgs(None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_admin_creates_edits_disables_enables_and_merges_a_unit() {
    let (app, store) = start_with().await;
    let project = troubled(&store).await;
    let old = org_named(&store, "浑南区发展和改革局").await;
    let admin = app.login_as("admin").await;
    let (status, page) = app.page(&admin, "/admin/orgs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!(r#"data-org="{}""#, old.id)));
    assert!(
        page.contains("沈阳市浑南区"),
        "the region named with its parent"
    );
    assert!(
        page.contains(r#"<a href="/admin/orgs" class="active""#),
        "the tab is on"
    );
    let token = csrf_of(&page);

    // Every bad field is named at once, beside it, what was typed kept.
    let (status, body) = app
        .post_page(
            &admin,
            "/admin/orgs",
            &[
                ("name", " "),
                ("kind", ""),
                ("region_code", ""),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "kind", "region_code"] {
        assert!(
            body.contains(&format!(r#"id="og-{field}" name="{field}""#))
                && body.contains(&format!(
                    r#"id="og-{field}-note"><span class="field-error">"#
                )),
            "{field} has its error beside it"
        );
    }
    let new_unit = [
        ("name", "浑南区发改局"),
        ("kind", "department"),
        ("region_code", "210112"),
        ("parent_id", ""),
        ("csrf_token", token.as_str()),
    ];
    assert_eq!(
        app.post(&admin, "/admin/orgs", &new_unit).await,
        StatusCode::SEE_OTHER
    );
    let kept = org_named(&store, "浑南区发改局").await;
    let path = format!("/admin/orgs/{}", kept.id);

    // Edit at the version shown; the same version again is stale.
    let mut edit = new_unit.to_vec();
    edit[0] = ("name", "浑南区发展改革局");
    edit.push(("version", "1"));
    assert_eq!(app.post(&admin, &path, &edit).await, StatusCode::SEE_OTHER);
    assert_eq!(store.org(kept.id).await.unwrap().name, "浑南区发展改革局");
    let (status, body) = app.post_page(&admin, &path, &edit).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("form-error"), "a stale version is said");

    // 停用: no longer offered for a new project; 启用: offered again.
    let form = [("csrf_token", token.as_str()), ("version", "2")];
    let r = app.post(&admin, &format!("{path}/disable"), &form).await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    assert!(store.org(kept.id).await.unwrap().disabled);
    let offered = format!(r#"<option value="{}""#, kept.id);
    let (_, new_project) = app.page(&admin, "/projects/new").await;
    assert!(
        !new_project.contains(&offered),
        "a disabled unit is not offered"
    );
    let (_, page) = app.page(&admin, &path).await;
    assert!(page.contains("已停用"));
    let form = [("csrf_token", token.as_str()), ("version", "3")];
    let r = app.post(&admin, &format!("{path}/enable"), &form).await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    let (_, new_project) = app.page(&admin, "/projects/new").await;
    assert!(new_project.contains(&offered));

    // 合并: first asked to confirm, naming what moves; nothing moves until then.
    let merge = format!("/admin/orgs/{}/merge", old.id);
    let into = kept.id.to_string();
    let ask = [
        ("csrf_token", token.as_str()),
        ("version", "1"),
        ("into", into.as_str()),
    ];
    let (status, body) = app.post_page(&admin, &merge, &ask).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"id="om-confirm""#), "a box to tick");
    assert!(body.contains("责任单位的项目 1"), "what moves is named");
    assert!(body.contains("用户 3"));
    let p = store.project(project).await.unwrap();
    assert_eq!(p.fields.owner_org_id, Some(old.id));
    let mut confirmed = ask.to_vec();
    confirmed.push(("confirm", "on"));
    assert_eq!(
        app.post(&admin, &merge, &confirmed).await,
        StatusCode::SEE_OTHER
    );
    let p = store.project(project).await.unwrap();
    assert_eq!(p.fields.owner_org_id, Some(kept.id), "the project moved");
    let merged = store.org(old.id).await.unwrap();
    assert!(merged.disabled && merged.merged_into == Some(kept.id));
    let h = store
        .history("project", &project.to_string())
        .await
        .unwrap();
    assert_eq!(h.last().unwrap().action, "merge_org");

    // The histories in words: the merged unit's says where it went, the kept one's what
    // it received and its own 停用 and 启用.
    let (_, page) = app.page(&admin, &format!("/admin/orgs/{}", old.id)).await;
    assert!(page.contains("已合并到") && page.contains("浑南区发展改革局"));
    assert!(
        !page.contains(r#"id="merge-form""#),
        "a merged unit is merged once"
    );
    let (_, page) = app.page(&admin, &path).await;
    for words in [
        "并入",
        "责任单位的项目",
        "停用",
        "启用",
        "单位名称",
        "浑南区发改局",
    ] {
        assert!(page.contains(words), "{words}");
    }
    // Merging into a disabled unit is refused beside the field.
    let other = [
        ("name", "某单位"),
        ("kind", "office"),
        ("region_code", "210112"),
        ("csrf_token", token.as_str()),
    ];
    assert_eq!(
        app.post(&admin, "/admin/orgs", &other).await,
        StatusCode::SEE_OTHER
    );
    let other = org_named(&store, "某单位").await;
    let into = old.id.to_string();
    let refused = [
        ("csrf_token", token.as_str()),
        ("into", into.as_str()),
        ("confirm", "on"),
    ];
    let (status, body) = app
        .post_page(&admin, &format!("/admin/orgs/{}/merge", other.id), &refused)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(r#"id="om-into-note"><span class="field-error">"#));
    assert!(!store.org(other.id).await.unwrap().disabled);
}

#[tokio::test]
async fn the_audit_log_lists_filters_and_verifies_the_chain() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let admin = app.login_as("admin").await;
    let (status, page) = app.page(&admin, "/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="audit-table""#));
    assert!(
        !page.contains(r#"id="audit-verdict""#),
        "verified only on demand"
    );
    assert!(
        page.contains("浑南区发展和改革局"),
        "a unit's entry names it"
    );
    let (_, page) = app.page(&admin, "/admin/audit?kind=org").await;
    let total = store
        .audit_log(&duikou_store::AuditFilter::of_kind("org"), 1, 0)
        .await
        .unwrap()
        .total;
    assert!(page.contains(&format!(r#"id="total">{total}<"#)), "{total}");
    assert!(!page.contains("/projects/"), "only units");
    let (_, page) = app.page(&admin, "/admin/audit?kind=org&verify=1").await;
    assert!(page.contains(r#"data-intact="true""#));
    assert!(page.contains("审计链完好"));
    let (_, page) = app
        .page(&admin, "/admin/audit?from=2024-13-01&kind=bogus")
        .await;
    assert!(page.contains(r#"<p class="field-error">"#));
    let (_, page) = app.page(&admin, "/admin/audit?to=2000-01-01").await;
    assert!(page.contains(r#"id="total">0<"#), "nothing before the day");
}
