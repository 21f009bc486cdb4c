namespace BlazorMood.ModelImport.Conversion;

/// <summary>A model could not be converted; the message names the TF node and op where that is known.</summary>
public sealed class ConversionException : Exception
{
    public ConversionException(string message)
        : base(message)
    {
    }

    public ConversionException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ConversionException()
    {
    }
}
