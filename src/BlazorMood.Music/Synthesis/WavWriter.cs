using System.Buffers.Binary;

namespace BlazorMood.Music.Synthesis;

/// <summary>Writes mono 16-bit PCM WAV (the lingua franca ffmpeg reads without options).</summary>
public static class WavWriter
{
    public static void Write(Stream stream, ReadOnlySpan<float> samples, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var dataBytes = samples.Length * 2;
        Span<byte> header = stackalloc byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(header[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(header[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(header[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], dataBytes);
        stream.Write(header);
        var buffer = new byte[8192];
        var pos = 0;
        foreach (var s in samples)
        {
            var v = (short)Math.Round(Math.Clamp(s, -1f, 1f) * short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan(pos), v);
            pos += 2;
            if (pos == buffer.Length)
            {
                stream.Write(buffer, 0, pos);
                pos = 0;
            }
        }
        stream.Write(buffer, 0, pos);
    }

    public static void Write(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        using var file = File.Create(path);
        Write(file, samples, sampleRate);
    }
}
