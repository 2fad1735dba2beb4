using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace SandboxMcp.Configuration;

/// <summary>
/// Finds configuration keys that no option property takes, with their full path (<c>profiles:ml:gpu</c>), because
/// a misspelt key silently ignored is a limit silently not applied. The binder's own check loses the path
/// inside dictionaries.
/// </summary>
public static class UnknownKeys
{
    /// <summary>One message per unknown key under <paramref name="configuration"/> for options of <paramref name="type"/>.</summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration, Type type)
    {
        var errors = new List<string>();
        Walk(configuration.GetChildren(), type, "", errors);
        return errors;
    }

    private static void Walk(IEnumerable<IConfigurationSection> sections, Type type, string prefix, List<string> errors)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var section in sections)
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, section.Key, StringComparison.OrdinalIgnoreCase));
            var path = prefix + section.Key;
            if (property is null)
            {
                var known = string.Join(", ", properties.Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]));
                errors.Add($"{path}: unknown key (known keys here: {known})");
                continue;
            }

            WalkValue(section, property.PropertyType, path, errors);
        }
    }

    private static void WalkValue(IConfigurationSection section, Type type, string path, List<string> errors)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(type))
        {
            return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var valueType = type.GetGenericArguments()[1];
            foreach (var child in section.GetChildren())
            {
                WalkValue(child, valueType, $"{path}:{child.Key}", errors);
            }

            return;
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var itemType = type.GetGenericArguments()[0];
            foreach (var child in section.GetChildren())
            {
                WalkValue(child, itemType, $"{path}:{child.Key}", errors);
            }

            return;
        }

        Walk(section.GetChildren(), type, path + ":", errors);
    }

    private static bool IsLeaf(Type type) => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);
}
