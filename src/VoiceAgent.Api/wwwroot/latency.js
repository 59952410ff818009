// One row per finished turn, from the `turn_end` frame's latency_ms.

const COLUMNS = ['asr_final', 'llm_first_token', 'first_audio'];

export class LatencyTable {
  constructor(body) {
    this.body = body;
    this.placeholder = body.querySelector('tr.none');
  }

  add(turnId, latency) {
    const row = document.createElement('tr');
    const turn = document.createElement('th');
    turn.scope = 'row';
    turn.textContent = String(turnId);
    row.append(turn);
    for (const name of COLUMNS) {
      const cell = document.createElement('td');
      const ms = latency?.[name];
      cell.textContent = typeof ms === 'number' ? `${Math.round(ms)} ms` : '—';
      row.append(cell);
    }
    this.placeholder?.remove();
    this.body.prepend(row);
    while (this.body.rows.length > 20) {
      this.body.deleteRow(-1);
    }
  }

  clear() {
    this.body.replaceChildren(...(this.placeholder ? [this.placeholder] : []));
  }
}
