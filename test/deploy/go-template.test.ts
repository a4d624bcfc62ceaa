import { describe, expect, it } from 'vitest';
import { renderTemplate } from './go-template.ts';

/* The Go-template subset renderer behaves as text/template, Helm and sprig do on what the chart uses. */

const data = (values: unknown) => ({ Values: values, Release: { Name: 'rel', Namespace: 'ns' } });

describe('renderTemplate', () => {
  it('trims whitespace before {{- and after -}}, and nothing else', () => {
    expect(renderTemplate('a:\n  {{- if .Values.on }}\n  b: 1\n  {{- end }}\n', data({ on: true }))).toBe(
      'a:\n  b: 1\n',
    );
    expect(renderTemplate('x {{ "y" -}}   \n z', data({}))).toBe('x yz');
    expect(renderTemplate('x {{ "y" }} z', data({}))).toBe('x y z');
  });

  it('takes else branches and treats empty maps, lists, strings and 0 as false', () => {
    const template = '{{ if .Values.v }}yes{{ else }}no{{ end }}';
    for (const falsy of [{}, [], '', 0, false, null])
      expect(renderTemplate(template, data({ v: falsy }))).toBe('no');
    for (const truthy of [{ a: 1 }, ['a'], 'a', 1, true])
      expect(renderTemplate(template, data({ v: truthy }))).toBe('yes');
  });

  it('ranges with . as the element and $ as the root', () => {
    const template = '{{- range .Values.ns }}\n- {{ print . "@" $.Release.Name | quote }}{{- end }}';
    expect(renderTemplate(template, data({ ns: ['a', 'b'] }))).toBe('\n- "a@rel"\n- "b@rel"');
    expect(renderTemplate(template, data({ ns: [] }))).toBe('');
  });

  it('writes toYaml as go-yaml does (sorted keys, lists not indented), indented by nindent', () => {
    const template = 'r:\n  {{- toYaml .Values.r | nindent 2 }}';
    expect(renderTemplate(template, data({ r: { b: 1, a: ['x'] } }))).toBe('r:\n  a:\n  - x\n  b: 1');
  });

  it('quotes strings, prints numbers as Go does, and quotes nothing for nil', () => {
    expect(
      renderTemplate(
        '{{ .Values.s | quote }} {{ .Values.n }} {{ .Values.missing | quote }}|',
        data({ s: 'a"b', n: 3 }),
      ),
    ).toBe('"a\\"b" 3 |');
    expect(renderTemplate('{{ print "--shards=" .Values.n }}', data({ n: 3 }))).toBe('--shards=3');
    expect(renderTemplate('{{ print 1 2 }}', data({}))).toBe('1 2');
  });

  it('evaluates eq, gt with int, not, and, or', () => {
    const values = { type: 'workload', shards: 2, on: true, off: false };
    expect(renderTemplate('{{ if eq .Values.type "workload" }}1{{ end }}', data(values))).toBe('1');
    expect(renderTemplate('{{ if gt (int .Values.shards) 1 }}1{{ end }}', data(values))).toBe('1');
    expect(renderTemplate('{{ if and .Values.on (not .Values.off) }}1{{ end }}', data(values))).toBe('1');
    expect(
      renderTemplate('{{ if or .Values.off (eq .Values.type "x") }}1{{ else }}0{{ end }}', data(values)),
    ).toBe('0');
  });

  it('fails where Helm fails: a field of nil, mixed comparisons, unknown functions and actions', () => {
    expect(() => renderTemplate('{{ .Values.a.b }}', data({}))).toThrow(/nil pointer/);
    expect(() => renderTemplate('{{ if eq .Values.n "1" }}{{ end }}', data({ n: 1 }))).toThrow(
      /incompatible/,
    );
    expect(() => renderTemplate('{{ upper "a" }}', data({}))).toThrow(/unknown function/);
    expect(() => renderTemplate('{{ with .Values }}{{ end }}', data({}))).toThrow(/unsupported/);
    expect(() => renderTemplate('{{ if .Values.a }}', data({}))).toThrow(/missing/);
    expect(() => renderTemplate('{{ .Values }}', data({ a: 1 }))).toThrow(/toYaml/);
  });
});
