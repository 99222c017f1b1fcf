//! The model checker's driver API as momo-pos 0.1.0 had it, for
//! `scripts/model-check-0.1.sh`: not compiled here. 0.1.0's events carry no
//! id, so each hand-out is named by what tells it apart, and every event
//! goes to whatever the driver has in flight; its driver has no `Hash`, so
//! a state is its snapshot up to the journal (the `log` key comes after
//! every other field but `logDropped`, and cannot occur earlier: quotes
//! inside strings are escaped).

use std::hash::{DefaultHasher, Hash, Hasher};

use momo_pos::driver::{Action, Driver, Event, Outgoing};
use momo_pos::{Client, Notification};

pub fn id(r: &Outgoing) -> u64 {
    let mut h = DefaultHasher::new();
    (r.endpoint().as_str(), r.request_id(), r.attempt(), r.deadline_ms()).hash(&mut h);
    h.finish()
}

pub fn in_flight(d: &Driver) -> Option<u64> {
    match d.next_action() {
        Action::Send(r) => Some(id(r)),
        _ => None,
    }
}

pub fn respond(d: &mut Driver, c: &Client, now: u64, _id: u64, status: u16, body: &[u8]) {
    d.handle(c, now, Event::Response { status, body }).unwrap();
}

pub fn network_error(d: &mut Driver, c: &Client, now: u64, _id: u64) {
    d.handle(c, now, Event::NetworkError).unwrap();
}

pub fn ipn(d: &mut Driver, c: &Client, now: u64, n: &Notification) {
    d.handle(c, now, Event::Ipn(n)).unwrap();
}

pub fn tick(d: &mut Driver, c: &Client, now: u64) {
    d.handle(c, now, Event::Tick).unwrap();
}

pub fn crash(d: &Driver, now: u64) -> Driver {
    Driver::restore(&d.snapshot().unwrap(), now).unwrap()
}

fn state(d: &Driver) -> String {
    let mut snapshot = d.snapshot().unwrap();
    let end = snapshot.find(",\"log\":[").unwrap();
    snapshot.truncate(end);
    snapshot
}

pub fn fingerprint(d: &Driver, h: &mut impl Hasher) {
    state(d).hash(h);
}

pub fn same_state(a: &Driver, b: &Driver) -> bool {
    state(a) == state(b)
}
