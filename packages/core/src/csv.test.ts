import { expect } from '@esm-bundle/chai';
import { csvCell, historyCsv, HISTORY_CSV_COLUMNS, toCsv } from './csv.js';
import type { Flag } from './model.js';

describe('CSV encoding', () => {
  it('leaves plain fields alone and quotes those with a comma, a quote or a line break', () => {
    expect(csvCell('plain text')).to.equal('plain text');
    expect(csvCell('a, b')).to.equal('"a, b"');
    expect(csvCell('say "hi"')).to.equal('"say ""hi"""');
    expect(csvCell('two\nlines')).to.equal('"two\nlines"');
    expect(csvCell('cr\rhere')).to.equal('"cr\rhere"');
    expect(csvCell(undefined)).to.equal('');
    expect(csvCell(42)).to.equal('42');
  });

  it('keeps text that a spreadsheet would run as a formula as text', () => {
    expect(csvCell('=HYPERLINK("http://x","click")')).to.equal(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(csvCell('+1 555')).to.equal("'+1 555");
    expect(csvCell('-2+3')).to.equal("'-2+3");
    expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
    expect(csvCell('\tcmd')).to.equal(`"'\tcmd"`);
    expect(csvCell('a=b')).to.equal('a=b');
  });

  it('quotes a field with a semicolon or a tab, the separators other spreadsheet locales and pastes split on', () => {
    expect(csvCell('a;b')).to.equal('"a;b"');
    expect(csvCell('a\tb')).to.equal('"a\tb"');
    expect(csvCell('a; -b')).to.equal('"a; -b"');
  });

  it('keeps a formula after a separator inside a field as text, however the line is split', () => {
    expect(csvCell('Refund;=HYPERLINK(A1)')).to.equal(`"Refund;'=HYPERLINK(A1)"`);
    expect(csvCell("ok;=cmd|' /C calc'!A0")).to.equal(`"ok;'=cmd|' /C calc'!A0"`);
    expect(csvCell('a\t=1+1')).to.equal(`"a\t'=1+1"`);
    expect(csvCell('a,+1;@SUM(A1)')).to.equal(`"a,'+1;'@SUM(A1)"`);
    expect(csvCell('x\n-1')).to.equal(`"x\n'-1"`);
    expect(csvCell('=a;=b')).to.equal(`"'=a;'=b"`);
    expect(toCsv([['f1', 'Refund;=HYPERLINK(A1)']])).to.equal(`f1,"Refund;'=HYPERLINK(A1)"\r\n`);
    // A row split on ';' (Excel with that list separator): no piece starts with a formula character.
    for (const piece of toCsv([['f1', 'Refund;=HYPERLINK(A1)', 'a\t@x']]).split(/[;\t\r\n]/)) expect(piece).to.not.match(/^[=+\-@]/);
  });

  it('ends every row with CRLF', () => {
    expect(toCsv([['a', 'b'], ['c', undefined]])).to.equal('a,b\r\nc,\r\n');
    expect(toCsv([])).to.equal('');
  });

  it('exports a history with a translated header and one row per flag', () => {
    const flag: Flag = {
      id: 'f1',
      interactionId: 'i1',
      channel: 'voice',
      customerLabel: 'C',
      team: 'blue',
      agent: { id: 'ann', name: 'Ann, A.', role: 'agent' },
      message: '=cmd|calc',
      reason: 'billing',
      severity: 'normal',
      status: 'lowered',
      raisedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
      acknowledgedBy: { id: 'sue', name: 'Sue', role: 'supervisor' },
      acknowledgedAt: Date.UTC(2026, 0, 2, 3, 4, 35),
      lowered: { by: { id: 'sue', name: 'Sue', role: 'supervisor' }, at: Date.UTC(2026, 0, 2, 3, 6, 5), cause: 'supervisor', reason: 'done' },
      escalation: 0,
      join: 'none',
      seq: 4,
    };
    const headers = Object.fromEntries(HISTORY_CSV_COLUMNS.map((c) => [c, c.toUpperCase()])) as Record<(typeof HISTORY_CSV_COLUMNS)[number], string>;
    const [head, row, end] = historyCsv([flag], headers).split('\r\n');
    expect(head).to.equal(HISTORY_CSV_COLUMNS.map((c) => c.toUpperCase()).join(','));
    expect(row).to.equal(`f1,blue,"Ann, A.",2026-01-02T03:04:05.000Z,Sue,30,2026-01-02T03:06:05.000Z,120,supervisor,Sue,billing,done,'=cmd|calc`);
    expect(end).to.equal('');
  });
});
