namespace BlazorMood.Music.Library;

/// <summary>
/// Content types for the audio files a library may hold. ASP.NET Core's default extension map has no entry for
/// <c>.opus</c> (the starter library's format), so the web host should ask here when it serves a track.
/// </summary>
public static class AudioContentTypes
{
    public static string ForPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".opus" or ".ogg" or ".oga" => "audio/ogg",
        ".mp3" => "audio/mpeg",
        ".m4a" or ".mp4" or ".aac" => "audio/mp4",
        ".wav" => "audio/wav",
        ".flac" => "audio/flac",
        ".webm" => "audio/webm",
        _ => "application/octet-stream",
    };
}
