//! The thread that commits a database archive's batches while the issuing thread stores the
//! next one (the server writes while the next documents render).
//!
//! One thread for the whole run rather than one per batch: the client's `COPY` buffers are
//! allocated and freed by the same thread every time, so the allocator reuses their memory
//! instead of leaving a thread's worth of pages behind per batch.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::{Batch, Db};
use domain::error::Result;

/// A batch handed over with the register's line count it expects, and its outcome.
type Job = (Batch, usize);
type Done = (Result<()>, Batch);

/// The committing thread of one run; at most one batch in flight.
pub struct Writer {
    jobs: Option<SyncSender<Job>>,
    done: Receiver<Done>,
    thread: Option<JoinHandle<()>>,
    /// Whether a batch was handed over and its outcome not yet taken.
    busy: bool,
    /// The last committed batch, emptied: the next one's buffers.
    spare: Option<Batch>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").field("busy", &self.busy).finish()
    }
}

impl Writer {
    /// Starts the thread that commits to `db`.
    pub fn start(db: Arc<Db>) -> Writer {
        let (jobs, receive) = sync_channel::<Job>(1);
        let (send, done) = sync_channel::<Done>(1);
        let thread = std::thread::Builder::new()
            .name("archive-commit".into())
            .spawn(move || {
                for (batch, lines) in receive {
                    if send.send((db.commit(&batch, lines), batch)).is_err() {
                        return;
                    }
                }
            })
            .expect("the commit thread starts");
        Writer { jobs: Some(jobs), done, thread: Some(thread), busy: false, spare: None }
    }

    /// Hands `batch` over to be committed if the register has `lines` lines; the caller
    /// settles the previous batch first ([`Writer::settle`]).
    pub fn commit(&mut self, batch: Batch, lines: usize) {
        debug_assert!(!self.busy, "one batch in flight");
        let jobs = self.jobs.as_ref().expect("the commit thread runs until dropped");
        // The thread only stops when this side drops the sender, or by a panic, which
        // `settle` reports.
        let _ = jobs.send((batch, lines));
        self.busy = true;
    }

    /// An empty batch for the caller to fill: the last committed one's buffers if settled.
    pub fn recycled(&mut self) -> Batch {
        self.spare.take().unwrap_or_default()
    }

    /// Waits for the batch in flight, if any, and returns its outcome; its buffers are kept
    /// for [`Writer::recycled`].
    pub fn settle(&mut self) -> Result<()> {
        if !std::mem::take(&mut self.busy) {
            return Ok(());
        }
        match self.done.recv() {
            Ok((result, mut batch)) => {
                batch.clear();
                self.spare = Some(batch);
                result
            }
            // The thread ended without an answer: it panicked; show its panic here.
            Err(_) => {
                drop(self.jobs.take());
                match self.thread.take().map(JoinHandle::join) {
                    Some(Err(panic)) => std::panic::resume_unwind(panic),
                    _ => unreachable!("the commit thread answers every batch unless it panics"),
                }
            }
        }
    }
}

impl Drop for Writer {
    /// Lets a batch in flight finish (it commits whole or not at all), then ends the thread.
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
