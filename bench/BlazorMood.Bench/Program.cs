using BlazorMood.Bench;

// bench <verb> [options]; 'bench --help' and 'bench <verb> --help' list the benchmarks and their options.
return await BenchCommandLine.RunAsync(args);
