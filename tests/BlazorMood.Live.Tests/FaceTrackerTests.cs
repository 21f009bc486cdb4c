using BlazorMood.Vision;
using BlazorMood.Live;

namespace BlazorMood.Live.Tests;

public sealed class FaceTrackerTests
{
    private static readonly FaceLandmarks NoLandmarks = new(default, default, default, default, default, default);

    private static FaceEmotion Face(float x, float y, float size, string label, float p = 0.9f, float score = 0.95f)
    {
        var rest = (1 - p) / 6;
        var probabilities = EmotionLabels.All.ToDictionary(l => l, l => l == label ? p : rest);
        var emotion = (Emotion)EmotionLabels.All.ToList().IndexOf(label);
        return new FaceEmotion(new ImageBox(x, y, size, size), score, NoLandmarks, emotion, p, probabilities);
    }

    private static FaceTracker Tracker(int hysteresis = 3, double alpha = 0.5, int maxMissed = 2) =>
        new(new TrackingOptions { HysteresisFrames = hysteresis, SmoothingAlpha = alpha, MaxMissedFrames = maxMissed, MinIou = 0.3 });

    [Fact]
    public void A_face_that_moves_a_little_keeps_its_track_id()
    {
        var tracker = Tracker();

        var first = tracker.Update([Face(100, 100, 80, "happy")]);
        var second = tracker.Update([Face(108, 104, 82, "happy")]);

        Assert.Equal(1, Assert.Single(first.Faces).TrackId);
        Assert.Equal(1, Assert.Single(second.Faces).TrackId);
    }

    [Fact]
    public void Two_faces_are_matched_to_their_own_tracks_even_when_listed_in_another_order()
    {
        var tracker = Tracker();
        var a = tracker.Update([Face(10, 10, 60, "happy"), Face(200, 10, 60, "sad")]);

        var b = tracker.Update([Face(204, 12, 60, "sad"), Face(12, 12, 60, "happy")]);

        Assert.Equal([1, 2], a.Faces.Select(f => f.TrackId));
        Assert.Equal([2, 1], b.Faces.Select(f => f.TrackId));
    }

    [Fact]
    public void A_face_far_away_starts_a_new_track_and_a_vanished_one_is_forgotten_after_the_missed_limit()
    {
        var tracker = Tracker(maxMissed: 2);
        tracker.Update([Face(10, 10, 60, "happy")]);

        var jumped = tracker.Update([Face(300, 200, 60, "happy")]);
        Assert.Equal(2, Assert.Single(jumped.Faces).TrackId);
        Assert.Equal(2, tracker.TrackCount);

        tracker.Update([Face(300, 200, 60, "happy")]);
        tracker.Update([Face(300, 200, 60, "happy")]);
        Assert.Equal(1, tracker.TrackCount);
    }

    [Fact]
    public void One_odd_frame_shows_in_the_label_but_does_not_move_the_music()
    {
        var tracker = Tracker(hysteresis: 3, alpha: 0.6);
        tracker.Update([Face(100, 100, 80, "happy", 0.9f)]);

        var odd = tracker.Update([Face(100, 100, 80, "sad", 0.95f)]);
        var back = tracker.Update([Face(100, 100, 80, "happy", 0.9f)]);
        var backAgain = tracker.Update([Face(100, 100, 80, "happy", 0.9f)]);

        var face = Assert.Single(odd.Faces);
        Assert.Equal("sad", face.RawLabel);
        // Smoothed sad 0.6×0.95 + 0.4×0.017 = 0.58 against happy 0.6×0.017 + 0.4×0.9 = 0.37: the bars' top class.
        Assert.Equal("sad", face.Label);
        Assert.Equal("sad", odd.Dominant!.Label);
        // The music's label has not moved, and nothing announced a change.
        Assert.Equal("happy", face.HeldLabel);
        Assert.Equal("happy", odd.Dominant.HeldLabel);
        Assert.Equal(("happy", odd.Dominant.Probabilities[EmotionLabels.IndexOf("happy")]), odd.Dominant.MusicChoice());
        Assert.False(odd.DominantChanged);
        Assert.Equal("happy", Assert.Single(backAgain.Faces).Label);
        Assert.All(new[] { odd, back, backAgain }, f => Assert.False(f.DominantChanged));
    }

    [Fact]
    public void A_lasting_change_moves_the_music_label_after_the_hysteresis()
    {
        var tracker = Tracker(hysteresis: 3, alpha: 0.5);
        tracker.Update([Face(100, 100, 80, "happy", 0.9f)]);

        var held = new List<string>();
        var shown = new List<string>();
        var changes = new List<bool>();
        for (var i = 0; i < 8; i++)
        {
            var frame = tracker.Update([Face(100, 100, 80, "surprise", 0.9f)]);
            held.Add(frame.Faces[0].HeldLabel);
            shown.Add(frame.Dominant!.Label);
            changes.Add(frame.DominantChanged);
        }

        // The smoothed surprise ties happy on the 1st frame (0.458 each) and leads from the 2nd, and the headline shows
        // it at once; the music's label follows 3 leading frames later, then stays.
        Assert.All(shown.Skip(1), l => Assert.Equal("surprise", l));
        Assert.Equal("happy", held[0]);
        Assert.Equal("surprise", held[^1]);
        var switchAt = held.IndexOf("surprise");
        Assert.InRange(switchAt, 2, 5);
        Assert.All(held.Skip(switchAt), l => Assert.Equal("surprise", l));
        Assert.Equal(1, changes.Count(c => c));
        Assert.True(changes[switchAt]);
    }

    [Fact]
    public void The_label_of_every_face_and_of_the_dominant_emotion_is_always_the_top_of_its_shown_probabilities()
    {
        // A noisy stream of two people whose expressions wander between close calls: whatever the hysteresis holds,
        // the label drawn on the box and the headline are the largest of the bars they come with.
        var random = new Random(7);
        var tracker = Tracker(hysteresis: 4, alpha: 0.35);
        for (var i = 0; i < 300; i++)
        {
            var faces = new[] { 0, 1 }.Select(k =>
            {
                var raw = EmotionLabels.All.ToDictionary(l => l, _ => (float)random.NextDouble());
                var sum = raw.Values.Sum();
                var p = raw.ToDictionary(kv => kv.Key, kv => kv.Value / sum);
                var top = p.MaxBy(kv => kv.Value);
                return new FaceEmotion(new ImageBox(50 + (k * 300), 80, 90 - (k * 20), 90 - (k * 20)), 0.9f, NoLandmarks,
                    (Emotion)EmotionLabels.IndexOf(top.Key), top.Value, p);
            }).ToArray();

            var frame = tracker.Update(faces);

            foreach (var face in frame.Faces)
            {
                Assert.Equal(EmotionLabels.All[face.Probabilities.AsSpan().IndexOf(face.Probabilities.Max())], face.Label);
                Assert.Equal(face.Probabilities.Max(), face.Confidence);
            }
            var dominant = frame.Dominant!;
            Assert.Equal(EmotionLabels.All[dominant.Probabilities.AsSpan().IndexOf(dominant.Probabilities.Max())], dominant.Label);
        }
    }

    [Fact]
    public void Probabilities_are_smoothed_and_raw_ones_are_kept()
    {
        var tracker = Tracker(alpha: 0.5);
        tracker.Update([Face(100, 100, 80, "happy", 0.9f)]);

        var face = Assert.Single(tracker.Update([Face(100, 100, 80, "sad", 0.7f)]).Faces);

        var happy = EmotionLabels.All.ToList().IndexOf("happy");
        var sad = EmotionLabels.All.ToList().IndexOf("sad");
        Assert.Equal(0.7f, face.RawProbabilities[sad], 3);
        Assert.Equal((0.5f * 0.7f) + (0.5f * (0.1f / 6)), face.Probabilities[sad], 3);
        Assert.Equal((0.5f * 0.9f) + (0.5f * (0.3f / 6)), face.Probabilities[happy], 3);
        Assert.Equal(1.0, face.Probabilities.Sum(), 3);
    }

    [Fact]
    public void The_dominant_emotion_is_the_largest_face_and_the_group_mood_weighs_every_face()
    {
        var tracker = Tracker();

        var frame = tracker.Update([Face(10, 10, 40, "sad", 0.8f), Face(100, 10, 120, "happy", 0.9f), Face(300, 10, 40, "sad", 0.8f), Face(400, 10, 40, "sad", 0.8f)]);

        Assert.Equal("happy", frame.Dominant!.Label);
        Assert.Equal(2, frame.Dominant.TrackId);
        Assert.True(frame.DominantChanged);
        // Three sad faces (weight 0.95×0.8 each) against one happy face (0.95×0.9): sad leads the group.
        Assert.Equal("sad", frame.Group!.Label);
        Assert.Equal(1.0, frame.Group.Probabilities.Sum(), 3);
    }

    [Fact]
    public void A_frame_without_faces_has_no_dominant_emotion_and_is_not_a_change()
    {
        var tracker = Tracker();
        tracker.Update([Face(10, 10, 60, "happy")]);

        var empty = tracker.Update([]);
        var again = tracker.Update([Face(10, 10, 60, "happy")]);

        Assert.Null(empty.Dominant);
        Assert.Null(empty.Group);
        Assert.False(empty.DominantChanged);
        Assert.False(again.DominantChanged);
    }

    [Fact]
    public void After_a_camera_cut_the_same_person_is_face_one_again()
    {
        var tracker = Tracker(maxMissed: 2);
        tracker.Update([Face(10, 10, 60, "happy"), Face(300, 200, 60, "sad")]);
        for (var i = 0; i < 3; i++)
        {
            tracker.Update([]);
        }

        // A new face far from the old boxes: a new track, numbered from 1 again.
        var back = tracker.Update([Face(150, 150, 60, "happy")]);

        Assert.Equal(1, Assert.Single(back.Faces).TrackId);
    }
}
