namespace BlazorMood.Vision;

/// <summary>A model file is missing, unreadable, corrupt or not the model the component expects.</summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>The command that (re)creates the models folder.</summary>
    public const string ImportCommand = "dotnet run --project src/BlazorMood.Cli -- import-models --out models";

    public ModelLoadException(string modelPath, string problem, Exception? innerException = null)
        : base($"Vision model '{modelPath}' {problem}. Run `{ImportCommand}` from the repository root to create the models, " +
               $"or set Vision:ModelsPath to the folder that holds them.", innerException)
    {
        ModelPath = modelPath;
    }

    public ModelLoadException()
    {
        ModelPath = string.Empty;
    }

    public ModelLoadException(string message)
        : base(message)
    {
        ModelPath = string.Empty;
    }

    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        ModelPath = string.Empty;
    }

    /// <summary>Full path of the model file concerned.</summary>
    public string ModelPath { get; }
}
