using BenchmarkDotNet.Running;

// `notifications …` signs Mock notifications for bench/run.sh; anything else runs the BenchmarkDotNet benchmarks.
if (args.FirstOrDefault() == "notifications") return await SignNotifications.RunAsync(args);
BenchmarkSwitcher.FromAssembly(typeof(Paydesk.Bench.AllocationBenchmarks).Assembly).Run(args);
return 0;
