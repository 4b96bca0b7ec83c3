import { runPipeline } from '/work/main/bench/pipeline';
const r = await runPipeline({ events: 20000, sessions: 5, answerChars: 4000 });
console.log(JSON.stringify(r, null, 1));
