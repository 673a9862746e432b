import { applyTemplate, compileTemplate, TemplateSyntaxError } from '../template';
import { TemplateRenderError } from '../values';

describe('templates with Python semantics (lm-eval idioms)', () => {
  const doc = {
    question: '  What is 2+2?  ',
    choices: { text: ['three', "it's four", 'five'], label: ['A', 'B', 'C'] },
    answerKey: 'B',
    answer: 2,
    name: 'x',
  };

  it.each([
    ['{{question.strip()}}', 'What is 2+2?'],
    ['{{choices.label.index(answerKey)}}', '1'],
    ["{{['A','B','C','D'][answer]}}", 'C'],
    ['{{choices.text}}', `['three', "it's four", 'five']`],
    ['{{choices.text[-1]}}|{{choices.text[1:]|length}}', 'five|2'],
    ['{{ "a b  c".split() }}', "['a', 'b', 'c']"],
    ['{{ "Hello".capitalize() }} {{ "hELLO wORLD".capitalize() }}', 'Hello Hello world'],
    ['{{ none }} {{ True }} {{ 1 == 1.0 }}', 'None True True'],
    ['{% if is_fewshot is defined %}F{% else %}T{% endif %}', 'T'],
    ["{{ ', '.join(choices.text) }}", "three, it's four, five"],
    ['{{ "xxhixx".strip("x") }}', 'hi'],
    ['{{ "a-b" | regex_replace("-", "+") }}', 'a+b'],
    ['{% for c in choices.text %}{{loop.index}}.{{c}} {% endfor %}', "1.three 2.it's four 3.five "],
    ["{% set p = 'Q: ' %}{{p + question.strip() + '\\nA:'}}", 'Q: What is 2+2?\nA:'],
  ])('%s', (tpl, expected) => {
    expect(applyTemplate(tpl, doc)).toBe(expected);
  });

  it('keeps a trailing newline (keep_trailing_newline=True)', () => {
    expect(applyTemplate('{{name}}\n', doc)).toBe('x\n');
  });

  it('raises on undefined variables (StrictUndefined)', () => {
    expect(() => applyTemplate('{{missing}}', doc)).toThrow(TemplateRenderError);
    expect(() => applyTemplate('{{missing}}', doc)).toThrow("'missing' is undefined");
    expect(() => applyTemplate('{{choices.nope}}', doc)).toThrow("'choices.nope' is undefined");
    expect(() => applyTemplate('{{choices.label.index("Z")}}', doc)).toThrow("'Z' is not in list");
  });

  it('reports syntax errors and unknown filters at compile time', () => {
    expect(() => compileTemplate('{{ a }')).toThrow(TemplateSyntaxError);
    expect(() => compileTemplate('{{ a | nosuchfilter }}')).toThrow("no filter named 'nosuchfilter'");
  });
});
