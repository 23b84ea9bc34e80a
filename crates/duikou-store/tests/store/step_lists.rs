//! 项目管家 across projects: open steps due by a date and steps with a deficiency record, of
//! the projects a user reads.

use duikou_core::auth::{Access, Grant, Role, Scope};
use duikou_core::steps::{Deficiency, StepState, StepStatus};
use duikou_core::Stage;
use duikou_store::accounts::NewUser;
use duikou_store::Store;

use crate::fixtures::*;
use crate::helpers::on_each_backend;

#[tokio::test]
async fn open_steps_are_listed_by_due_date_for_the_projects_a_user_reads() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let all = Access::system("test");
        let scoped = store.scoped(&all);
        let today = d(2024, 6, 28);
        let start = d(2024, 6, 3);
        let mut ids = Vec::new();
        for (name, host) in [("浑南项目", "210112"), ("大连项目", "210200")] {
            let p = scoped
                .create_project(&new_project(fields(name, host), Stage::Signed, start))
                .await
                .unwrap();
            scoped
                .instantiate_steps(p.id, "construction_approval", None, start)
                .await
                .unwrap();
            ids.push(p.id);
        }
        // In 浑南: the first step done on time, a later one accepted with a deficiency.
        let done = StepState {
            status: StepStatus::Done,
            actual_start: Some(start),
            actual_finish: Some(start),
            ..StepState::new("project_filing")
        };
        scoped.update_step(ids[0], None, &done).await.unwrap();
        let deficient = StepState {
            status: StepStatus::AcceptedWithDeficiency,
            actual_start: Some(today),
            deficiency: Some(Deficiency {
                missing_documents: vec!["完税证明".into()],
                supply_days: 5,
                accepted_on: today,
                supplied_on: None,
            }),
            ..StepState::new("land_title_registration")
        };
        scoped.update_step(ids[0], None, &deficient).await.unwrap();

        let rows = scoped.open_steps(today, 100).await.unwrap();
        let of = |id: i64| rows.iter().filter(move |r| r.project_id == id);
        assert!(
            of(ids[0]).all(|r| r.state.key != "project_filing"),
            "a done step is not open"
        );
        assert!(of(ids[0])
            .any(|r| r.state.key == "land_title_registration" && r.state.deficiency.is_some()));
        assert!(of(ids[1]).any(|r| r.state.key == "project_filing"));
        let dues: Vec<_> = rows.iter().map(|r| r.planned_due).collect();
        let mut sorted = dues.clone();
        sorted.sort();
        assert_eq!(dues, sorted, "earliest due first");
        assert!(rows
            .iter()
            .all(|r| r.planned_due.is_some_and(|d| d <= today) || r.state.deficiency.is_some()));

        // A Shenyang editor reads only the 浑南 project.
        let new = NewUser {
            login: "shenyang".into(),
            display_name: "沈阳填报".into(),
            org_id: None,
            password: Some("Liaoning-2024".into()),
        };
        let (user, _) = store
            .as_system(&admin().name)
            .create_user(&new)
            .await
            .unwrap();
        let grant = Grant {
            role: Role::Editor,
            scope: Scope::Region {
                region_code: "210100".into(),
            },
        };
        let user = store
            .as_system(&admin().name)
            .grant(&user.login, &grant)
            .await
            .unwrap();
        let access = store.resolve_access(&user, &user.grants).await.unwrap();
        let mine = store.scoped(&access).open_steps(today, 100).await.unwrap();
        assert!(!mine.is_empty());
        assert!(mine.iter().all(|r| r.project_id == ids[0]));
    })
    .await;
}
