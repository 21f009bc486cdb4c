using BlazorMood.Playback.Kiosk;
using BlazorMood.Web.Components.Pages.Home.Live;

namespace BlazorMood.Web.Components.Pages.Kiosk;

/// <summary>
/// A <see cref="RoomReading"/> in words for a wall screen. The headline is the mood when one leads (effort included),
/// else the energy; the same reading chose the music, so what the wall says and what plays cannot disagree.
/// </summary>
public static class ReadingDisplay
{
    public static string EnergyTitle(RoomEnergy? energy) => energy switch
    {
        RoomEnergy.High => "High energy",
        RoomEnergy.Moving => "On the move",
        RoomEnergy.Calm => "Calm",
        _ => "",
    };

    /// <summary>The headline: "Effort", "Happy", or the energy when no mood leads yet.</summary>
    public static string Title(RoomReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return reading.Mood switch
        {
            RoomReading.Effort => "Effort",
            { } mood => EmotionDisplay.Title(mood),
            null => EnergyTitle(reading.Energy),
        };
    }

    public static string Emoji(RoomReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return reading.Mood switch
        {
            RoomReading.Effort => "💪",
            { } mood => EmotionDisplay.Emoji(mood),
            null => reading.Energy switch
            {
                RoomEnergy.High => "⚡",
                RoomEnergy.Moving => "🚶",
                _ => "🧘",
            },
        };
    }

    public static string Color(RoomReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return reading.Mood switch
        {
            RoomReading.Effort => "#ffab40",
            { } mood => EmotionDisplay.Color(mood),
            null => "#ffffff",
        };
    }

    /// <summary>What the music is chosen for, in words: "workout pace, happy", "a calm pace".</summary>
    public static string Music(RoomReading? reading)
    {
        if (reading is null)
        {
            return "the time of day";
        }
        var pace = reading.Energy switch
        {
            RoomEnergy.High => "workout pace",
            RoomEnergy.Moving => "a moving pace",
            RoomEnergy.Calm => "a calm pace",
            _ => null,
        };
        var mood = reading.MusicEmotion is { } emotion ? EmotionDisplay.Title(emotion).ToLowerInvariant() + " mood" : null;
        return (pace, mood) switch
        {
            ({ } p, { } m) => $"{p}, {m}",
            ({ } p, null) => p,
            (null, { } m) => $"a {m}",
            _ => "the room",
        };
    }

    /// <summary>The line under the headline: the energy beside a mood, and why effort is not anger.</summary>
    public static string Caption(RoomReading reading, int people)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var who = people > 1 ? $"the {people} of you" : "the room";
        if (reading.Mood == RoomReading.Effort)
        {
            return $"{who} working hard: faces of effort, not anger";
        }
        return reading.Mood is not null && reading.Energy is { } energy
            ? $"{EnergyTitle(energy).ToLowerInvariant()}, {who}"
            : reading.Mood is not null ? $"the mood of {who}" : $"how {who} moves";
    }
}
