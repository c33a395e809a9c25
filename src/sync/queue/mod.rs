//! asyncio's queues: [`Queue`] (FIFO), [`LifoQueue`] and [`PriorityQueue`].
//!
//! One generic [`Queue<T, S>`](Queue) holds the waiting logic; the [`Store`] `S` decides
//! which item comes out next.
//!
//! # Examples
//!
//! ```
//! use simloop::sync::{LifoQueue, PriorityQueue, Queue};
//!
//! let (fifo, lifo, prio) = (Queue::new(), LifoQueue::new(), PriorityQueue::new());
//! for i in [2, 1, 3] {
//!     fifo.put_nowait(i).unwrap();
//!     lifo.put_nowait(i).unwrap();
//!     prio.put_nowait(i).unwrap();
//! }
//! assert_eq!(fifo.get_nowait(), Ok(2));
//! assert_eq!(lifo.get_nowait(), Ok(3));
//! assert_eq!(prio.get_nowait(), Ok(1));
//! ```

mod base;
mod error;
mod kinds;
mod store;
mod wait;

pub use self::base::Queue;
pub use self::error::{QueueShutDown, TaskDoneError, TryGetError, TryPutError};
pub use self::kinds::{LifoQueue, PriorityQueue};
pub use self::store::{Fifo, Lifo, Priority, Store};
pub use self::wait::{Get, Join, Put};
