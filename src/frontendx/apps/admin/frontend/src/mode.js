import { createContext, useContext } from 'react'

// Whether the dark colour scheme is in use (follows the operating system setting).
export const DarkContext = createContext(false)

export function useDark() {
  return useContext(DarkContext)
}
