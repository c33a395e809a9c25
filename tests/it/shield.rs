//! shield: cancelling the outer await leaves the inner task running to completion.

use std::time::Duration;

use simloop::{Sim, log, shield, sleep, spawn_named, timeout};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn cancelling_the_awaiting_task_leaves_the_inner_work_running() {
    let out = Sim::new().run(async {
        let caller = spawn_named("caller", async {
            let r = shield(async {
                sleep(ms(50)).await;
                log!("inner done");
            })
            .await;
            log!("unreachable: the caller was cancelled ({r:?})");
        });
        sleep(ms(10)).await;
        caller.cancel();
        log!(
            "caller cancelled: {}",
            caller.await.unwrap_err().is_cancelled()
        );
        sleep(ms(100)).await;
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=10 caller cancelled: true\nt=50 inner done\n"
    );
}

#[test]
fn the_inner_result_passes_through() {
    let out = Sim::new().run(async {
        shield(async {
            sleep(ms(5)).await;
            9
        })
        .await
    });
    assert_eq!(out.result.unwrap(), Ok(9));
}

#[test]
fn a_timeout_around_a_shield_expires_without_cancelling_the_inner_work() {
    let out = Sim::new().run(async {
        let r = timeout(
            ms(10),
            shield(async {
                sleep(ms(30)).await;
                log!("inner done");
            }),
        )
        .await;
        log!("timeout expired: {}", r.is_err());
        sleep(ms(100)).await;
    });
    out.result.unwrap();
    insta::assert_snapshot!(out.trace.render());
}
