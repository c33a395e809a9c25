//! Child processes: tokio's own, real, spawned into the real-I/O reactor (`real_io`).
//!
//! [`Command`] is tokio's builder behind a wrapper whose `spawn`, `status` and `output`
//! register the child with the reactor thread that serves simulated runs, and mark the
//! runtime as waiting on real I/O: from then on its runs pace their virtual clock by the
//! real one (a virtual `sleep` beside a running child takes its real time, as on tokio),
//! so that a child's output or exit can come before a virtual timeout. What it returns is
//! tokio's own [`Child`] with its pipes. Processes are not simulated: when a child exits
//! or writes is the operating system's business, not the seed's.
//!
//! Left out: `pre_exec` (an `unsafe` function, and this crate forbids `unsafe`): call
//! it on [`Command::as_std_mut`] with `std::os::unix::process::CommandExt`.
//!
//! # Examples
//!
//! ```
//! # use simloop_tokio as tokio;
//! use tokio::process::Command;
//!
//! let rt = tokio::runtime::Runtime::new().unwrap();
//! let out = rt.block_on(async { Command::new("echo").arg("hello").output().await.unwrap() });
//! assert_eq!(out.stdout, b"hello\n");
//! ```

use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::path::Path;
use std::process::{ExitStatus, Output, Stdio};

pub use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout};

/// tokio's `process::Command`: builds a child process and spawns it into the real-I/O
/// reactor (see the [module](self)).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::process::Command;
///
/// let rt = tokio::runtime::Runtime::new().unwrap();
/// let status = rt.block_on(async { Command::new("sh").args(["-c", "exit 3"]).status().await });
/// assert_eq!(status.unwrap().code(), Some(3));
/// ```
pub struct Command {
    inner: tokio::process::Command,
}

impl Command {
    /// A command running `program`, with no arguments, the parent's environment and
    /// working directory, and inherited stdio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let cmd = tokio::process::Command::new("ls");
    /// assert_eq!(cmd.as_std().get_program(), "ls");
    /// ```
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command {
            inner: tokio::process::Command::new(program),
        }
    }

    /// The `std` command underneath.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("ls");
    /// cmd.arg("-l");
    /// assert_eq!(cmd.as_std().get_args().collect::<Vec<_>>(), ["-l"]);
    /// ```
    pub fn as_std(&self) -> &std::process::Command {
        self.inner.as_std()
    }

    /// The `std` command underneath, to change (what this wrapper does not forward:
    /// `pre_exec`, say).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("ls");
    /// cmd.as_std_mut().arg("-a");
    /// assert_eq!(cmd.as_std().get_args().collect::<Vec<_>>(), ["-a"]);
    /// ```
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        self.inner.as_std_mut()
    }

    /// The `std` command (`kill_on_drop` is lost, as in tokio).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let std = tokio::process::Command::new("ls").into_std();
    /// assert_eq!(std.get_program(), "ls");
    /// ```
    pub fn into_std(self) -> std::process::Command {
        self.inner.into_std()
    }

    /// Adds an argument.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("ls");
    /// cmd.arg("-l").arg("/");
    /// assert_eq!(cmd.as_std().get_args().collect::<Vec<_>>(), ["-l", "/"]);
    /// ```
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.inner.arg(arg);
        self
    }

    /// Adds arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("ls");
    /// cmd.args(["-l", "/"]);
    /// assert_eq!(cmd.as_std().get_args().count(), 2);
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.inner.args(args);
        self
    }

    /// Sets an environment variable of the child.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("env");
    /// cmd.env("GREETING", "hi");
    /// assert_eq!(cmd.as_std().get_envs().count(), 1);
    /// ```
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.inner.env(key, val);
        self
    }

    /// Sets environment variables of the child.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("env");
    /// cmd.envs([("A", "1"), ("B", "2")]);
    /// assert_eq!(cmd.as_std().get_envs().count(), 2);
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.inner.envs(vars);
        self
    }

    /// Removes an environment variable from the child's.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("env");
    /// cmd.env_remove("HOME");
    /// assert_eq!(cmd.as_std().get_envs().next().unwrap().1, None);
    /// ```
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.inner.env_remove(key);
        self
    }

    /// Clears the child's environment.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let out = rt.block_on(async {
    ///     tokio::process::Command::new("/usr/bin/env").env_clear().output().await.unwrap()
    /// });
    /// assert!(out.stdout.is_empty());
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.inner.env_clear();
        self
    }

    /// Sets the child's working directory.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let out = rt.block_on(async {
    ///     tokio::process::Command::new("pwd").current_dir("/").output().await.unwrap()
    /// });
    /// assert_eq!(out.stdout, b"/\n");
    /// ```
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.inner.current_dir(dir);
        self
    }

    /// Sets the child's standard input.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::process::Stdio;
    /// use tokio::io::AsyncWriteExt;
    ///
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let out = rt.block_on(async {
    ///     let mut child = tokio::process::Command::new("cat")
    ///         .stdin(Stdio::piped())
    ///         .stdout(Stdio::piped())
    ///         .spawn()
    ///         .unwrap();
    ///     let mut stdin = child.stdin.take().unwrap();
    ///     stdin.write_all(b"meow").await.unwrap();
    ///     drop(stdin);
    ///     child.wait_with_output().await.unwrap()
    /// });
    /// assert_eq!(out.stdout, b"meow");
    /// ```
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stdin(cfg);
        self
    }

    /// Sets the child's standard output.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::process::Stdio;
    ///
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let status = rt.block_on(async {
    ///     tokio::process::Command::new("echo").stdout(Stdio::null()).status().await.unwrap()
    /// });
    /// assert!(status.success());
    /// ```
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stdout(cfg);
        self
    }

    /// Sets the child's standard error.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::process::Stdio;
    ///
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let out = rt.block_on(async {
    ///     let cmd = tokio::process::Command::new("sh")
    ///         .args(["-c", "echo oops >&2"])
    ///         .stderr(Stdio::piped())
    ///         .spawn()
    ///         .unwrap();
    ///     cmd.wait_with_output().await.unwrap()
    /// });
    /// assert_eq!(out.stderr, b"oops\n");
    /// ```
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stderr(cfg);
        self
    }

    /// Kills the child when its [`Child`] is dropped (tokio's: by default it goes on).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("sleep");
    /// cmd.arg("60").kill_on_drop(true);
    /// assert!(cmd.get_kill_on_drop());
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.inner.kill_on_drop(kill_on_drop);
        self
    }

    /// Whether the child is killed when its [`Child`] is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// assert!(!tokio::process::Command::new("ls").get_kill_on_drop());
    /// ```
    pub fn get_kill_on_drop(&self) -> bool {
        self.inner.get_kill_on_drop()
    }

    /// Sets the child's user id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("id");
    /// cmd.uid(0);
    /// ```
    #[cfg(unix)]
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.inner.uid(id);
        self
    }

    /// Sets the child's group id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("id");
    /// cmd.gid(0);
    /// ```
    #[cfg(unix)]
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.inner.gid(id);
        self
    }

    /// Sets the child's `argv[0]`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let out = rt.block_on(async {
    ///     let mut cmd = tokio::process::Command::new("sh");
    ///     cmd.arg0("test_string").args(["-c", "echo $0"]);
    ///     cmd.output().await.unwrap()
    /// });
    /// assert_eq!(out.stdout, b"test_string\n");
    /// ```
    #[cfg(unix)]
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.inner.arg0(arg);
        self
    }

    /// Puts the child in process group `pgroup` (0: a new group of its own).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let mut cmd = tokio::process::Command::new("ls");
    /// cmd.process_group(0);
    /// ```
    #[cfg(unix)]
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.inner.process_group(pgroup);
        self
    }

    /// Spawns the child into the real-I/O reactor and paces the runtime's clock from now
    /// on (see the [module](self)).
    ///
    /// # Errors
    ///
    /// When the operating system refuses (`NotFound` for a missing program, ...).
    ///
    /// # Panics
    ///
    /// Outside a runtime, and in a runtime built without I/O, with tokio's messages.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let status = rt.block_on(async {
    ///     let mut child = tokio::process::Command::new("true").spawn().unwrap();
    ///     child.wait().await.unwrap()
    /// });
    /// assert!(status.success());
    /// ```
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        crate::sim::real_io::spawning_a_process();
        self.inner.spawn()
    }

    /// Spawns the child (as [`Command::spawn`], at once) and waits for its exit status.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let status = rt.block_on(async { tokio::process::Command::new("false").status().await });
    /// assert!(!status.unwrap().success());
    /// ```
    #[track_caller]
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> + use<> {
        crate::sim::real_io::spawning_a_process();
        self.inner.status()
    }

    /// Spawns the child (as [`Command::spawn`], at once, its stdout and stderr piped
    /// unless set) and collects its output.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let out = rt.block_on(async { tokio::process::Command::new("echo").arg("hi").output().await });
    /// assert_eq!(out.unwrap().stdout, b"hi\n");
    /// ```
    #[track_caller]
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> + use<> {
        crate::sim::real_io::spawning_a_process();
        self.inner.output()
    }
}

impl From<std::process::Command> for Command {
    fn from(std: std::process::Command) -> Command {
        Command { inner: std.into() }
    }
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}
