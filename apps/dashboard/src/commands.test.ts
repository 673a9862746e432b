import { describe, expect, it } from 'vitest';
import { cliCommand, curlCommand, runRequest, shellQuote, SubmitForm } from './commands';

const form: SubmitForm = {
  modelId: '5b3c8f0e-0000-4000-8000-000000000001',
  modelName: 'stories260K',
  benchmarks: [{ name: 'arc_easy', limit: 20 }, { name: 'mmlu', numFewshot: 5 }, { name: 'gsm8k', limit: 10, numFewshot: 0 }],
  pool: 'cpu',
  priority: 3,
};

describe('the Submit form\'s request, CLI command and curl', () => {
  it('builds the body of POST /v1/runs with only the fields set', () => {
    expect(runRequest(form)).toEqual({
      modelId: form.modelId,
      benchmarks: [{ name: 'arc_easy', limit: 20 }, { name: 'mmlu', numFewshot: 5 }, { name: 'gsm8k', limit: 10, numFewshot: 0 }],
      pool: 'cpu',
      priority: 3,
    });
  });

  it('writes the same run as densebench submit (name[:limit[:numFewshot]])', () => {
    expect(cliCommand(form, 'http://127.0.0.1:8080')).toBe(
      'npx densebench submit --api http://127.0.0.1:8080 --model stories260K --benchmark arc_easy:20 --benchmark mmlu::5 --benchmark gsm8k:10:0 --pool cpu --priority 3',
    );
  });

  it('writes curl with the JSON body quoted for a shell and the key from the environment', () => {
    const curl = curlCommand({ ...form, modelName: "it's" }, 'http://h:1/');
    expect(curl).toContain("curl -X POST http://h:1/v1/runs");
    expect(curl).toContain('Authorization: Bearer $DENSEBENCH_API_KEY');
    const body = /-d '(.*)'$/s.exec(curl)![1];
    expect(JSON.parse(body)).toEqual(runRequest(form));
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('a b')).toBe("'a b'");
  });
});
