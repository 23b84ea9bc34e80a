//! The server under test: this binary's hidden `serve` subcommand (the real `duikou serve`),
//! as a child process on a free loopback port, so that its memory can be read from /proc.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::report::{percentile, Timing};

pub struct Server {
    child: Child,
    pub base: String,
    client: reqwest::Client,
    pub token: String,
}

impl Server {
    pub async fn start(database: &str, token: &str) -> anyhow::Result<Server> {
        Server::start_with(database, token, &[]).await
    }

    /// Starts the server with extra environment variables (its memory settings, say).
    pub async fn start_with(
        database: &str,
        token: &str,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(std::env::current_exe()?)
            .args(["serve", "--database", database, "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .env("DUIKOU_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start the server")?;
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()?,
            token: token.to_owned(),
        };
        let url = format!("{}/healthz", server.base);
        let client = server.client.clone();
        crate::retry(Duration::from_secs(60), || {
            let (client, url) = (client.clone(), url.clone());
            async move {
                client.get(&url).send().await?.error_for_status()?;
                Ok(())
            }
        })
        .await
        .context("the server did not come up")?;
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak resident memory of the server process so far (VmHWM), in KiB.
    pub fn vm_hwm_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
            })
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// GETs `path` once to warm up and then `runs` times; returns the timings and the last body.
    pub async fn time_get(
        &self,
        path: &str,
        runs: usize,
    ) -> anyhow::Result<(Timing, serde_json::Value)> {
        let url = format!("{}{path}", self.base);
        let mut body = self.get(&url).await?;
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            body = self.get(&url).await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        Ok((
            Timing {
                median: percentile(&times, 0.5),
                p95: percentile(&times, 0.95),
                extra: None,
            },
            body,
        ))
    }

    /// GETs a path once (not timed).
    pub async fn get_path(&self, path: &str) -> anyhow::Result<serde_json::Value> {
        self.get(&format!("{}{path}", self.base)).await
    }

    async fn get(&self, url: &str) -> anyhow::Result<serde_json::Value> {
        let res = self.client.get(url).bearer_auth(&self.token).send().await?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            bail!("GET {url}: {status}: {text}");
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// Stops the server (SIGKILL to this child only) and waits for it.
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
