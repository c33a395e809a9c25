//! A length-prefixed frame reader with a cancel-safety bug, shared by `races.rs` (which
//! asserts exploring finds it) and `replay_env.rs` (which replays it from the environment).

use tokio::io::{AsyncReadExt, DuplexStream};
use tokio::sync::{mpsc, oneshot};

/// Reads frames (a 4-byte big-endian length, then the body) from `server` until EOF,
/// answering stats requests (how many frames so far) meanwhile. **The bug**: the `select!`
/// drops a half-done `read_exact` (not cancel safe) when a request wins, and the length
/// bytes it read are lost: the stream is out of sync.
pub async fn read_frames(
    mut server: DuplexStream,
    mut requests: mpsc::Receiver<oneshot::Sender<usize>>,
) -> Result<Vec<String>, String> {
    let mut frames = Vec::new();
    loop {
        let mut len = [0u8; 4];
        tokio::select! {
            read = server.read_exact(&mut len) => {
                if read.is_err() {
                    return Ok(frames);
                }
                let n = u32::from_be_bytes(len) as usize;
                if n > 1024 {
                    return Err(format!("a frame of {n} bytes: the stream is out of sync"));
                }
                let mut body = vec![0u8; n];
                server.read_exact(&mut body).await.map_err(|e| e.to_string())?;
                frames.push(String::from_utf8_lossy(&body).into_owned());
            }
            Some(reply) = requests.recv() => {
                let _ = reply.send(frames.len());
            }
        }
    }
}
