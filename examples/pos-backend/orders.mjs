// The café's menu and its order table. Every amount MoMo sees comes from
// here: the page only names menu items and quantities, so a tampered page
// cannot lower a price.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './store.mjs';

/** Prices in VND (integers; MoMo's Quick Pay takes 1,000 to 5,000,000). */
export const MENU = [
  { id: 'cfsd', name: 'Cà phê sữa đá', price: 29000 },
  { id: 'cfden', name: 'Cà phê đen đá', price: 25000 },
  { id: 'bacxiu', name: 'Bạc xỉu', price: 32000 },
  { id: 'cfmuoi', name: 'Cà phê muối', price: 35000 },
  { id: 'tradao', name: 'Trà đào cam sả', price: 45000 },
  { id: 'trasen', name: 'Trà sen vàng', price: 55000 },
  { id: 'sinhtobo', name: 'Sinh tố bơ', price: 49000 },
  { id: 'nuoccam', name: 'Nước cam ép', price: 39000 },
  { id: 'banhmi', name: 'Bánh mì thịt nướng', price: 30000 },
  { id: 'flan', name: 'Bánh flan', price: 20000 },
];
const MENU_BY_ID = new Map(MENU.map((m) => [m.id, m]));
const MAX_LINES = 50; // MoMo's cap on items
const MAX_QUANTITY = 99;
const MAX_TOTAL = 5_000_000;

export class OrderError extends Error {}

export class Orders {
  #seq = 0;

  /** @param {string | null} file where the table is kept (null: memory only) */
  constructor(file) {
    this.file = file;
    /** @type {Map<string, any>} insertion order = creation order */
    this.byRef = new Map();
    if (file) {
      try {
        for (const o of JSON.parse(readFileSync(file, 'utf8'))) this.byRef.set(o.ref, o);
      } catch (e) {
        if (e.code !== 'ENOENT') throw e;
      }
    }
  }

  /**
   * Prices a basket from the menu.
   * @param {unknown} items [{ id, quantity }]
   */
  create(items) {
    if (!Array.isArray(items) || items.length === 0) throw new OrderError('items: a non-empty array');
    if (items.length > MAX_LINES) throw new OrderError(`items: at most ${MAX_LINES} lines`);
    const lines = new Map();
    for (const [i, item] of items.entries()) {
      const menu = MENU_BY_ID.get(item?.id);
      if (!menu) throw new OrderError(`items[${i}].id: not on the menu`);
      const q = item.quantity;
      if (!Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) {
        throw new OrderError(`items[${i}].quantity: an integer 1..${MAX_QUANTITY}`);
      }
      // The same item twice becomes one line: MoMo refuses duplicated item ids (45).
      const line = lines.get(menu.id) ?? { ...menu, quantity: 0 };
      line.quantity += q;
      if (line.quantity > MAX_QUANTITY) throw new OrderError(`items[${i}].quantity: at most ${MAX_QUANTITY} in all`);
      lines.set(menu.id, line);
    }
    const lineItems = [...lines.values()].map((l) => ({ ...l, totalPrice: l.price * l.quantity }));
    const total = lineItems.reduce((sum, l) => sum + l.totalPrice, 0);
    if (total > MAX_TOTAL) throw new OrderError(`total ${total} VND is above MoMo's ${MAX_TOTAL}`);
    const order = { ref: this.#newRef(), createdAt: Date.now(), items: lineItems, total, attempts: 0, refunds: [] };
    this.byRef.set(order.ref, order);
    this.save();
    return order;
  }

  get(ref) {
    return this.byRef.get(ref);
  }

  /** Newest first. */
  list() {
    return [...this.byRef.values()].reverse();
  }

  /** The next MoMo orderId of an order: `<ref>-<n>`, one per payment attempt. */
  nextAttempt(order) {
    order.attempts += 1;
    this.save();
    return `${order.ref}-${order.attempts}`;
  }

  /** Records a refund of the order (refunds.mjs keeps its entry up to date), saved at once. */
  addRefund(order, entry) {
    (order.refunds ??= []).push(entry);
    this.save();
  }

  save() {
    if (this.file) writeFileAtomic(this.file, JSON.stringify([...this.byRef.values()], null, 1));
  }

  // Unique across restarts of the backend (the sandbox and MoMo remember
  // every orderId: a reused one is refused with 41), and short enough to
  // read aloud: "HD" + base-36 time + a counter.
  #newRef() {
    let ref;
    do {
      this.#seq = (this.#seq + 1) % 36;
      ref = `HD${Date.now().toString(36)}${this.#seq.toString(36)}`.toUpperCase();
    } while (this.byRef.has(ref));
    return ref;
  }
}
