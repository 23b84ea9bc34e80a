//! The language a user chooses sticks to the user: chosen by `?lang=` on one device, it is
//! applied by the login on another.

use reqwest::StatusCode;

use super::{start, PASSWORD};

#[tokio::test]
async fn a_language_chosen_on_one_device_applies_at_the_login_on_another() {
    let app = start().await;
    // Device one: log in, choose English by a link.
    let cookie = app.login().await;
    let r = app
        .client
        .get(format!("{}/projects?lang=en", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Device two: no language cookie; the login answer sets the user's.
    let r = app
        .client
        .post(format!("{}/login", app.base))
        .form(&[("login", "leader"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("duikou_lang=en;")),
        "{cookies:?}"
    );
    let session = cookies
        .iter()
        .find(|c| !c.starts_with("duikou_lang="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    let page = app
        .client
        .get(format!("{}/projects", app.base))
        .header("cookie", format!("{session}; duikou_lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<html lang="en">"#));
    // A link's ?lang= still wins for that page, and becomes the user's choice.
    let page = app
        .client
        .get(format!("{}/projects?lang=zh-Hant", app.base))
        .header("cookie", format!("{session}; duikou_lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("專案庫"));
    let r = app
        .client
        .post(format!("{}/login", app.base))
        .form(&[("login", "leader"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    let set: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        set.iter().any(|c| c.starts_with("duikou_lang=zh-Hant;")),
        "{set:?}"
    );
}

/// A user whose choice was 繁 switches the login page to 简 and logs in: the pages are in 简,
/// and 简 becomes the user's choice for the next device.
#[tokio::test]
async fn switching_the_login_page_to_simplified_chinese_is_kept_after_the_login() {
    let app = start().await;
    let cookie = app.login().await;
    app.client
        .get(format!("{}/projects?lang=zh-Hant", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    // On the login page, 简 is chosen (its link sets the cookie), then the user logs in.
    let r = app
        .client
        .post(format!("{}/login", app.base))
        .header("cookie", "duikou_lang=zh-Hans")
        .form(&[("login", "leader"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        !set.iter().any(|c| c.starts_with("duikou_lang=zh-Hant")),
        "the stored 繁 does not override the choice just made: {set:?}"
    );
    // A new device (no cookie) now gets 简.
    let r = app
        .client
        .post(format!("{}/login", app.base))
        .form(&[("login", "leader"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    let set: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        set.iter().any(|c| c.starts_with("duikou_lang=zh-Hans;")),
        "{set:?}"
    );
}
