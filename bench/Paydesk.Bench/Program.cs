using BenchmarkDotNet.Running;

// `notifications …` and `provider-notifications …` sign notifications for bench/run.sh; anything else runs the BenchmarkDotNet benchmarks.
if (args.FirstOrDefault() == "notifications") return await SignNotifications.RunAsync(args);
if (args.FirstOrDefault() == "provider-notifications") return await SignProviderNotifications.RunAsync(args);
BenchmarkSwitcher.FromAssembly(typeof(Paydesk.Bench.AllocationBenchmarks).Assembly).Run(args);
return 0;
