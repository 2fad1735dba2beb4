using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace SandboxMcp.Hosting;

/// <summary>Finds the id of a JSON-RPC request that could not be read as a whole, so its caller gets an error instead of waiting.</summary>
public static class JsonRpcIds
{
    /// <summary>
    /// The top-level <c>"id"</c> (string or integer) of <paramref name="line"/>, skipping every other value.
    /// False for notifications and for text that is not a JSON object.
    /// </summary>
    public static bool TryRecover(ReadOnlySpan<byte> line, out RequestId id)
    {
        id = default;
        try
        {
            // Deep nesting is a reason the whole message was refused; it must not stop the search for its id.
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = int.MaxValue });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isId)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        id = new RequestId(reader.GetString()!);
                        return true;
                    }

                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
                    {
                        id = new RequestId(number);
                        return true;
                    }

                    return false;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The id, if any, came after the point where the text stopped being JSON.
        }

        return false;
    }
}
