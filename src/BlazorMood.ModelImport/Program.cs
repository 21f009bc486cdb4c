using BlazorMood.ModelImport;

// Converts the pinned TF.js graph models of @vladmandic/human (and human-models) and face-api's expression net into ONNX files.
// Usage: dotnet run --project src/BlazorMood.ModelImport -- --out models [--cache .cache] [--model emotion ...] [--package-dir DIR]...
return await ImportCommand.RunAsync(args, Console.Out, Console.Error);
