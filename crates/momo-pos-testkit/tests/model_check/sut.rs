//! The driver as the model checker drives it: the only place that knows
//! the driver's event API, so that the same search can be pointed at
//! another version of the driver (`scripts/model-check-0.1.sh` swaps in
//! `sut_0_1.rs` to run it against 0.1.0).

use momo_pos::driver::{Driver, Event, Outgoing, SendId};
use momo_pos::{Client, Notification};

pub fn id(request: &Outgoing) -> u64 {
    request.id().get()
}

pub fn in_flight(d: &Driver) -> Option<u64> {
    d.in_flight().map(id)
}

pub fn respond(d: &mut Driver, c: &Client, now: u64, id: u64, status: u16, body: &[u8]) {
    let id = SendId::from(id);
    d.handle(c, now, Event::Response { id, status, body })
        .unwrap();
}

pub fn network_error(d: &mut Driver, c: &Client, now: u64, id: u64) {
    let id = SendId::from(id);
    d.handle(c, now, Event::NetworkError { id }).unwrap();
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

/// The driver's state without its journal (which it never reads), for
/// recognising a state already explored: `Driver`'s `Hash` leaves the
/// journal out.
pub fn fingerprint(d: &Driver, h: &mut impl std::hash::Hasher) {
    std::hash::Hash::hash(d, h);
}

/// Equal but for the journal.
pub fn same_state(a: &Driver, b: &Driver) -> bool {
    let hash = |d: &Driver| {
        let mut h = std::hash::DefaultHasher::new();
        fingerprint(d, &mut h);
        std::hash::Hasher::finish(&h)
    };
    hash(a) == hash(b)
}
