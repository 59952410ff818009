// Live captions: the user's words update in place while they speak (partial, then final); the agent's sentences
// appear as their audio starts to play. The same list is kept as plain data for window.voiceAgentStats.

export class Captions {
  constructor(list) {
    this.list = list;
    this.items = [];
    this.byKey = new Map();
  }

  /** The user's words for a turn: `final` is false while they are still speaking. */
  user(turnId, text, final) {
    const item = this.item('user', turnId);
    item.text = text;
    item.final = final;
    this.render(item);
  }

  /** One more sentence of the agent's reply, as it starts to play. */
  agent(turnId, sentence) {
    const item = this.item('agent', turnId);
    item.text = item.text ? `${item.text} ${sentence}` : sentence;
    item.final = true;
    this.render(item);
  }

  /** A tool the agent called: started, then done or failed (one line per tool per turn, updated in place). */
  tool(turnId, name, status) {
    const item = this.item('tool', `${turnId}:${name}`);
    item.text = `${name}: ${status === 'started' ? 'running…' : status}`;
    item.final = status !== 'started';
    item.el.dataset.status = status;
    this.render(item);
  }

  /** The user spoke over the agent: what had not played was dropped. */
  interrupted(turnId) {
    const item = this.byKey.get(`agent:${turnId}`);
    if (item) {
      item.interrupted = true;
      this.render(item);
    }
  }

  clear() {
    this.items = [];
    this.byKey.clear();
    this.list.replaceChildren();
  }

  get data() {
    return this.items.map(({ role, turnId, text, final, interrupted }) => ({ role, turnId, text, final, interrupted: !!interrupted }));
  }

  item(role, turnId) {
    const key = `${role}:${turnId}`;
    let item = this.byKey.get(key);
    if (!item) {
      const el = document.createElement('li');
      el.className = `caption ${role}`;
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = role === 'user' ? 'You' : role === 'tool' ? 'Tool' : 'Agent';
      const text = document.createElement('p');
      text.className = 'text';
      el.append(who, text);
      item = { role, turnId, text: '', final: false, el, textEl: text };
      this.items.push(item);
      this.byKey.set(key, item);
      const stick = this.atBottom();
      this.list.append(el);
      if (stick) {
        this.scrollToEnd();
      }
    }
    return item;
  }

  render(item) {
    const stick = this.atBottom();
    item.textEl.textContent = item.text || '…';
    item.el.classList.toggle('partial', !item.final);
    item.el.classList.toggle('interrupted', !!item.interrupted);
    if (stick) {
      this.scrollToEnd();
    }
  }

  atBottom() {
    const scroller = this.list.parentElement;
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  }

  scrollToEnd() {
    const scroller = this.list.parentElement;
    scroller.scrollTop = scroller.scrollHeight;
  }
}
