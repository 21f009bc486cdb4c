using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "Models")]
[Collection("models")]
public class EmotionTests(ModelsFixture models)
{
    private static void AssertDistribution(IReadOnlyDictionary<string, float> probabilities)
    {
        Assert.Equal(EmotionLabels.All, probabilities.Keys);
        Assert.All(probabilities.Values, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(1f, probabilities.Values.Sum(), 2);
    }

    [Fact]
    public void The_smiling_astronaut_reads_happy()
    {
        using var image = ModelsFixture.Astronaut();
        var face = Assert.Single(models.Faces.Detect(image));
        var emotion = models.Emotions.Classify(image, face);
        Assert.Equal(Emotion.Happy, emotion.Emotion);
        Assert.Equal("happy", emotion.Label);
        Assert.True(emotion.Confidence > 0.8f, $"happy {emotion.Confidence}");
        AssertDistribution(emotion.Probabilities);
        Assert.Equal(emotion.Confidence, emotion[Emotion.Happy]);
    }

    /// <summary>Broad, open-mouthed smiles in the face-api demo photos (picked by eye), located by where the face is.</summary>
    [Theory]
    [InlineData(1, 0.75f, 0.35f)] // sample1: the woman on the right, laughing
    [InlineData(3, 0.60f, 0.25f)] // sample3: the woman in the middle, smiling with teeth
    [InlineData(4, 0.70f, 0.15f)] // sample4: the blonde woman on the right, laughing
    public void Clearly_smiling_faces_read_happy(int sample, float centreX, float centreY)
    {
        using var image = ModelsFixture.FaceApi(sample);
        var faces = models.Faces.Detect(image);
        var target = new ImagePoint(centreX * image.Width, centreY * image.Height);
        var face = faces.OrderBy(f => f.Box.Center.DistanceTo(target)).First();
        Assert.True(face.Box.Center.DistanceTo(target) < face.Box.Width * 1.5f, $"no face near {target}");
        var emotion = models.Emotions.Classify(image, face);
        Assert.Equal(Emotion.Happy, emotion.Emotion);
        Assert.True(emotion.Confidence > 0.6f);
    }

    [Fact]
    public void Batched_classification_matches_one_face_at_a_time()
    {
        using var image = ModelsFixture.FaceApi(5);
        var frame = RgbFrame.FromImage(image);
        var faces = models.Faces.Detect(frame);
        Assert.True(faces.Count >= 3);
        var batched = models.Emotions.Classify(frame, faces);
        for (var i = 0; i < faces.Count; i++)
        {
            var single = models.Emotions.Classify(frame, faces[i]);
            foreach (var label in EmotionLabels.All)
            {
                Assert.Equal(single.Probabilities[label], batched[i].Probabilities[label], 4);
            }
        }
    }

    private static float L1(IReadOnlyDictionary<string, float> a, IReadOnlyDictionary<string, float> b) =>
        EmotionLabels.All.Sum(l => MathF.Abs(a[l] - b[l]));

    private IReadOnlyDictionary<string, float> Classify(EmotionAnalyzer analyzer, Image<Rgb24> image, float expectedRoll)
    {
        var face = Assert.Single(analyzer.Analyze(image).Faces);
        Assert.InRange(face.Landmarks.RollDegrees, expectedRoll - 6, expectedRoll + 6);
        return face.Probabilities;
    }

    /// <summary>
    /// A face with a mixed (not saturated) prediction — sample3's woman on the left — cropped, then rotated by ±20°.
    /// With eye alignment the crop the model sees barely changes, so neither do the probabilities; without it they
    /// move clearly more.
    /// </summary>
    [Fact]
    public void Eye_alignment_makes_a_20_degree_head_tilt_read_like_the_upright_face()
    {
        using var photo = ModelsFixture.FaceApi(3);
        using var upright = photo.Clone(c => c.Crop(new Rectangle(692 - 250, 485 - 250, 500, 500)));
        // Human's model alone (face-api's crop is not eye-aligned by default): this is about the emotion crop's alignment.
        using var alignedServices = ModelsFixture.Build(o => o.FaceExpression.Enabled = false);
        var alignedAnalyzer = alignedServices.GetRequiredServiceOf<EmotionAnalyzer>();
        using var unaligned = ModelsFixture.Build(o =>
        {
            o.Emotion.AlignEyes = false;
            o.FaceExpression.Enabled = false;
        });
        var plain = unaligned.GetRequiredServiceOf<EmotionAnalyzer>();

        var aligned0 = Classify(alignedAnalyzer, upright, 0);
        var plain0 = Classify(plain, upright, 0);
        float alignedDrift = 0, plainDrift = 0;
        foreach (var degrees in new[] { 20f, -20f })
        {
            using var tilted = upright.Clone(c => c.Rotate(degrees));
            var tiltedAligned = Classify(alignedAnalyzer, tilted, degrees);
            var a = L1(aligned0, tiltedAligned);
            Assert.True(a < 0.5f, $"aligned drift {a} at {degrees}°");
            Assert.Equal(aligned0.MaxBy(kv => kv.Value).Key, tiltedAligned.MaxBy(kv => kv.Value).Key);
            alignedDrift += a;
            plainDrift += L1(plain0, Classify(plain, tilted, degrees));
        }
        Assert.True(alignedDrift < plainDrift, $"aligned {alignedDrift} vs unaligned {plainDrift}");
    }

    [Theory]
    [InlineData(20f)]
    [InlineData(-20f)]
    public void The_tilted_astronaut_still_reads_happy_with_nearly_the_same_probabilities(float degrees)
    {
        using var upright = ModelsFixture.Astronaut();
        using var tilted = upright.Clone(c => c.Rotate(degrees));
        var a = Classify(models.Analyzer, upright, 0);
        var b = Classify(models.Analyzer, tilted, degrees);
        Assert.True(L1(a, b) < 0.1f);
        Assert.True(b["happy"] > 0.8f);
    }

    [Fact]
    public void The_crop_is_an_eye_level_square_around_the_face()
    {
        using var photo = ModelsFixture.FaceApi(1);
        var faces = models.Faces.Detect(photo);
        var tilted = faces.OrderByDescending(f => MathF.Abs(f.Landmarks.RollDegrees)).First();
        Assert.True(MathF.Abs(tilted.Landmarks.RollDegrees) > 25);
        var c = models.Emotions.CropCorners(tilted);

        // A square (equal sides, right angles)...
        var top = c[0].DistanceTo(c[1]);
        Assert.Equal(top, c[1].DistanceTo(c[2]), 1);
        Assert.Equal(c[0].DistanceTo(c[2]), top * MathF.Sqrt(2), 1);
        // ...whose top edge is parallel to the eye line...
        var edgeAngle = MathF.Atan2(c[1].Y - c[0].Y, c[1].X - c[0].X) * 180 / MathF.PI;
        Assert.Equal(tilted.Landmarks.RollDegrees, edgeAngle, 1);
        // ...sized from the face (CropScale × eye distance or more) and containing eyes and mouth.
        Assert.InRange(top, models.Emotions.Options.CropScale * tilted.Landmarks.EyeDistance * 0.99f, tilted.Box.Width * 3);
        var corners = c.ToArray();
        Assert.True(InsideQuad(corners, tilted.Landmarks.RightEye) && InsideQuad(corners, tilted.Landmarks.LeftEye) && InsideQuad(corners, tilted.Landmarks.Mouth));
    }

    private static bool InsideQuad(ImagePoint[] q, ImagePoint p)
    {
        var sign = 0;
        for (var i = 0; i < 4; i++)
        {
            var a = q[i];
            var b = q[(i + 1) % 4];
            var cross = ((b.X - a.X) * (p.Y - a.Y)) - ((b.Y - a.Y) * (p.X - a.X));
            var s = Math.Sign(cross);
            if (s != 0 && sign != 0 && s != sign)
            {
                return false;
            }
            sign = s == 0 ? sign : s;
        }
        return true;
    }

    [Fact]
    public void Flip_averaging_keeps_a_valid_distribution_and_the_same_answer_on_a_clear_smile()
    {
        using var flipping = ModelsFixture.Build(o => o.Emotion.FlipAveraging = true);
        var analyzer = flipping.GetRequiredServiceOf<EmotionAnalyzer>();
        using var image = ModelsFixture.Astronaut();
        var face = Assert.Single(analyzer.Analyze(image).Faces);
        Assert.Equal(Emotion.Happy, face.Emotion);
        AssertDistribution(face.Probabilities);

        // The mirrored photo gives (nearly) the same averaged answer: the average of a crop and its mirror is symmetric.
        using var mirrored = image.Clone(c => c.Flip(FlipMode.Horizontal));
        var m = Assert.Single(analyzer.Analyze(mirrored).Faces);
        Assert.True(L1(face.Probabilities, m.Probabilities) < 0.1f);
    }

    [Fact]
    public void A_dataset_style_face_crop_can_be_classified_directly()
    {
        using var image = ModelsFixture.Astronaut();
        var face = Assert.Single(models.Faces.Detect(image));
        var c = models.Emotions.CropCorners(face);
        using var crop = image.Clone(x => x.Crop(new Rectangle((int)c[0].X, (int)c[0].Y, (int)(c[1].X - c[0].X), (int)(c[3].Y - c[0].Y))));
        var direct = models.Emotions.ClassifyFaceCrop(RgbFrame.FromImage(crop));
        Assert.Equal(Emotion.Happy, direct.Emotion);
        AssertDistribution(direct.Probabilities);
    }

    [Fact]
    public void Rendering_the_crop_at_48_px_still_reads_the_smile()
    {
        using var low = ModelsFixture.Build(o => o.Emotion.SourceResolution = 48);
        using var image = ModelsFixture.Astronaut();
        var face = Assert.Single(low.GetRequiredServiceOf<EmotionAnalyzer>().Analyze(image).Faces);
        Assert.Equal(Emotion.Happy, face.Emotion);
        AssertDistribution(face.Probabilities);
    }
}
