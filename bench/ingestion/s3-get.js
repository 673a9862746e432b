#!/usr/bin/env node
'use strict';
/*
 * What one small S3 GET costs in CPU, client and server: the results service reads one rows object per
 * shard (a few KB at 100 documents a shard), so at small shards this is ingestion's per-shard floor.
 * The embedded S3 server (s3rver) runs in a process of its own; objects of --bytes bytes.
 *
 *   npm run build:ts && node bench/ingestion/s3-get.js [--objects 400] [--bytes 4000] [--parallel 16] [--reps 3]
 *
 * Ways compared, each GET reading the whole body:
 *   sdk           GetObjectCommand through the service's S3 client (ArtifactStore.getStream's path)
 *   presign+http  a presigned URL (the SDK's signer) fetched with node:http over a keep-alive agent
 *   presign only  the signing alone
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { REPO, arg, header, dist, median, fmt, cpuSeconds } = require('../lib/common');

const objects = arg('objects', 400);
const bytes = arg('bytes', 4000);
const parallel = arg('parallel', 16);
const reps = arg('reps', 3);

async function main() {
  header(`one small S3 GET: ${objects} objects of ${bytes} bytes, ${parallel} at once, ${reps} reps`);
  const { GetObjectCommand, PutObjectCommand, CreateBucketCommand } = require('@aws-sdk/client-s3');
  const { getSignedUrl } = require('@aws-sdk/s3-request-presigner');
  const { createS3Client } = dist('libs/storage/src/index');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'densebench-s3-get-'));
  const script = `require(${JSON.stringify(path.join(REPO, 'dist/infra/embedded/src/embedded-s3'))}).startEmbeddedS3(${JSON.stringify(dir)}).then((s) => console.log(s.endpoint));`;
  const server = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const endpoint = await new Promise((resolve, reject) => {
      server.stdout.once('data', (b) => resolve(String(b).trim()));
      server.once('exit', (code) => reject(new Error(`the S3 server exited (${code})`)));
    });
    const s3 = createS3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    const Bucket = 'bench';
    await s3.send(new CreateBucketCommand({ Bucket }));
    const body = randomBytes(bytes);
    for (let i = 0; i < objects; i++) await s3.send(new PutObjectCommand({ Bucket, Key: `k${i}`, Body: body, Metadata: { 'samples-bytes': '1' } }));
    const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
    const readAll = async (stream) => {
      let n = 0;
      for await (const part of stream) n += part.length;
      return n;
    };
    const presign = (i) => getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: `k${i}` }), { expiresIn: 300 });
    const ways = {
      sdk: async (i) => readAll((await s3.send(new GetObjectCommand({ Bucket, Key: `k${i}` }))).Body),
      'presign+http': async (i) => {
        const url = await presign(i);
        return new Promise((resolve, reject) => http.get(url, { agent }, (res) => readAll(res).then(resolve, reject)).on('error', reject));
      },
      'presign only': presign,
    };
    const results = Object.fromEntries(Object.keys(ways).map((k) => [k, { client: [], server: [], wall: [] }]));
    for (let rep = 0; rep < reps; rep++) {
      for (const [name, get] of Object.entries(ways)) {
        const c0 = process.cpuUsage();
        const s0 = cpuSeconds(server.pid);
        const t0 = performance.now();
        for (let i = 0; i < objects; i += parallel) await Promise.all(Array.from({ length: Math.min(parallel, objects - i) }, (_, j) => get(i + j)));
        const c = process.cpuUsage(c0);
        results[name].wall.push((performance.now() - t0) / objects);
        results[name].client.push((c.user + c.system) / 1000 / objects);
        results[name].server.push(((cpuSeconds(server.pid) - s0) * 1000) / objects);
      }
    }
    console.log('\n| way | client CPU ms/GET | S3 server CPU ms/GET | wall ms/GET |\n|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      console.log(`| ${name} | ${fmt(median(r.client), 3)} | ${fmt(median(r.server), 3)} | ${fmt(median(r.wall), 3)} |`);
    }
    agent.destroy();
  } finally {
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
