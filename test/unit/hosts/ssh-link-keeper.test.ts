import { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { SshLinkKeeper } from '../../../core/hosts/ssh-link-keeper';

// Unconnected ssh2 clients: the keeper only holds, hands over and ends them.
describe('SshLinkKeeper', () => {
  it('hands a kept connection to the next attempt, once', () => {
    const keeper = new SshLinkKeeper();
    const ssh = new Client();
    keeper.ticket().keep(ssh);
    const next = keeper.ticket();
    expect(next.take()).toBe(ssh);
    expect(next.take()).toBeUndefined();
  });

  it('never hands on what an overtaken attempt keeps, so no second connection waits', () => {
    const keeper = new SshLinkKeeper();
    const overtaken = keeper.ticket();
    const current = keeper.ticket();
    overtaken.keep(new Client());
    expect(current.take()).toBeUndefined();
  });

  it('forgets a kept connection on reset (host edited or removed) and voids older tickets', () => {
    const keeper = new SshLinkKeeper();
    const ticket = keeper.ticket();
    ticket.keep(new Client());
    keeper.reset();
    ticket.keep(new Client());
    expect(keeper.ticket().take()).toBeUndefined();
  });

  it('forgets a kept connection that closes, and swallows its errors while kept', () => {
    const keeper = new SshLinkKeeper();
    const ssh = new Client();
    keeper.ticket().keep(ssh);
    // No other listener: without the keeper's, this would throw.
    expect(() => ssh.emit('error', new Error('reset by peer'))).not.toThrow();
    ssh.emit('close');
    expect(keeper.ticket().take()).toBeUndefined();
    // Handed over, the connection no longer carries the keeper's listeners.
    const other = new Client();
    keeper.ticket().keep(other);
    const before = other.listenerCount('error');
    expect(keeper.ticket().take()).toBe(other);
    expect(other.listenerCount('error')).toBe(before - 1);
  });
});
