//! A lock guard that hands the value to a [`Save`] when it is dropped after a change: the one
//! hook between the in-memory state and `--data-dir`. Without a store it is a plain guard plus a
//! flag, so the memory-only path does no extra work.

use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;

/// Where a changed value goes (the SQLite store, for one namespace).
pub trait Save<T>: Send + Sync {
    fn save(&self, value: &mut T);
}

/// Any `&mut` access counts as a change; the save runs while the lock is still held, so the
/// stored order is the order of the changes, and before the request's answer is sent.
pub struct Saving<'a, T> {
    guard: MutexGuard<'a, T>,
    save: Option<&'a dyn Save<T>>,
    changed: bool,
}

impl<'a, T> Saving<'a, T> {
    pub fn new(guard: MutexGuard<'a, T>, save: Option<&'a dyn Save<T>>) -> Self {
        Self { guard, save, changed: false }
    }
}

impl<T> Deref for Saving<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for Saving<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.changed = true;
        &mut self.guard
    }
}

impl<T> Drop for Saving<'_, T> {
    fn drop(&mut self) {
        if self.changed
            && let Some(save) = self.save
        {
            save.save(&mut self.guard);
        }
    }
}

/// Values the request path changes in place only sometimes (a rule's uses, a fault's draws) count
/// their own changes, so that a request that merely looks writes nothing.
pub trait Revised {
    fn revision(&self) -> u64;
}

/// Like [`Saving`], but saves only when the value's revision moved.
pub struct SavingRevised<'a, T: Revised> {
    guard: MutexGuard<'a, T>,
    save: Option<&'a dyn Save<T>>,
    revision: u64,
}

impl<'a, T: Revised> SavingRevised<'a, T> {
    pub fn new(guard: MutexGuard<'a, T>, save: Option<&'a dyn Save<T>>) -> Self {
        let revision = guard.revision();
        Self { guard, save, revision }
    }
}

impl<T: Revised> Deref for SavingRevised<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: Revised> DerefMut for SavingRevised<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T: Revised> Drop for SavingRevised<'_, T> {
    fn drop(&mut self) {
        if let Some(save) = self.save
            && self.guard.revision() != self.revision
        {
            save.save(&mut self.guard);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    struct Count(Mutex<Vec<u32>>);

    impl Save<u32> for Count {
        fn save(&self, value: &mut u32) {
            self.0.lock().unwrap().push(*value);
        }
    }

    #[test]
    fn only_a_changed_value_is_saved_when_the_guard_drops() {
        let value = Mutex::new(1);
        let saved = Count(Mutex::new(Vec::new()));
        {
            let read = Saving::new(value.lock().unwrap(), Some(&saved));
            assert_eq!(*read, 1);
        }
        assert!(saved.0.lock().unwrap().is_empty());
        {
            let mut write = Saving::new(value.lock().unwrap(), Some(&saved));
            *write += 1;
            *write += 1;
        }
        assert_eq!(*saved.0.lock().unwrap(), vec![3]);
    }

    struct Counted {
        value: u32,
        revision: u64,
    }

    impl Revised for Counted {
        fn revision(&self) -> u64 {
            self.revision
        }
    }

    impl Save<Counted> for Count {
        fn save(&self, value: &mut Counted) {
            self.0.lock().unwrap().push(value.value);
        }
    }

    #[test]
    fn a_revised_value_is_saved_only_when_its_revision_moved() {
        let value = Mutex::new(Counted { value: 1, revision: 0 });
        let saved = Count(Mutex::new(Vec::new()));
        {
            let mut looked = SavingRevised::new(value.lock().unwrap(), Some(&saved));
            looked.value += 0;
        }
        assert!(saved.0.lock().unwrap().is_empty());
        {
            let mut changed = SavingRevised::new(value.lock().unwrap(), Some(&saved));
            changed.value = 2;
            changed.revision += 1;
        }
        assert_eq!(*saved.0.lock().unwrap(), vec![2]);
    }
}
